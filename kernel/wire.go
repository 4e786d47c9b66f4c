package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strings"
	"sync"
	"time"
)

// protocolVersion is the Jupyter messaging protocol version gonote speaks.
const protocolVersion = "5.3"

// delimiter separates routing identities from the signed part of a message.
var delimiter = []byte("<IDS|MSG>")

// Header is a message header (and, on replies, the parent header).
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one Jupyter message as it travels on a socket.
//
// Parent and Metadata are kept as raw JSON so a reply carries the request's header
// byte for byte, fields gonote does not know included.
type Message struct {
	Identities [][]byte
	Header     Header
	RawHeader  json.RawMessage
	Parent     json.RawMessage
	Metadata   json.RawMessage
	Content    json.RawMessage
	Buffers    [][]byte
}

// Errors from decoding a message received on a socket.
var (
	errNoDelimiter  = errors.New("no <IDS|MSG> delimiter")
	errShortMessage = errors.New("fewer than 5 frames after the delimiter")
	errBadSignature = errors.New("bad or missing signature")
	errReplay       = errors.New("replayed signature")
)

// signer signs and verifies messages with the connection's key. A nil hash (empty
// key) means messages are not signed.
type signer struct {
	newHash func() hash.Hash
	key     []byte
	pool    sync.Pool // of hash.Hash: an HMAC per message is on every hot path
}

func newSigner(scheme, key string) (*signer, error) {
	s := &signer{key: []byte(key)}
	if key == "" {
		return s, nil
	}
	switch scheme {
	case "hmac-sha256":
		s.newHash = sha256.New
	case "hmac-sha512":
		s.newHash = sha512.New
	case "hmac-sha1":
		s.newHash = sha1.New
	default:
		return nil, fmt.Errorf("signature scheme %q is not supported (want hmac-sha256, hmac-sha512 or hmac-sha1)", scheme)
	}
	s.pool.New = func() any { return hmac.New(s.newHash, s.key) }
	return s, nil
}

// sign returns the hex HMAC of the four signed frames, or nil when unsigned.
func (s *signer) sign(frames [][]byte) []byte {
	if s.newHash == nil {
		return nil
	}
	mac := s.pool.Get().(hash.Hash)
	mac.Reset()
	for _, f := range frames {
		mac.Write(f)
	}
	var sum [sha512.Size]byte
	out := make([]byte, hex.EncodedLen(mac.Size()))
	hex.Encode(out, mac.Sum(sum[:0]))
	s.pool.Put(mac)
	return out
}

// verify checks a received signature in constant time.
func (s *signer) verify(sig []byte, frames [][]byte) bool {
	if s.newHash == nil {
		return true
	}
	return hmac.Equal(bytes.ToLower(sig), s.sign(frames))
}

// replayGuard remembers recent signatures so a captured message cannot be sent again.
// Like ipykernel it keeps a bounded history; the oldest entries go first.
type replayGuard struct {
	mu   sync.Mutex
	seen map[string]struct{}
	ring []string
	next int
}

const replayHistory = 1 << 16

// newReplayGuard returns an empty guard. It grows as messages arrive: allocating
// the whole history up front would delay the kernel's start by milliseconds.
func newReplayGuard() *replayGuard {
	return &replayGuard{seen: map[string]struct{}{}}
}

// fresh records sig and reports whether it had not been seen before.
func (g *replayGuard) fresh(sig []byte) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := string(sig)
	if _, ok := g.seen[key]; ok {
		return false
	}
	if len(g.ring) < replayHistory {
		g.ring = append(g.ring, key)
	} else {
		delete(g.seen, g.ring[g.next])
		g.ring[g.next] = key
		g.next = (g.next + 1) % replayHistory
	}
	g.seen[key] = struct{}{}
	return true
}

// decode parses the frames of a received message and checks its signature.
// guard may be nil (no replay check, as when the key is empty).
func decode(frames [][]byte, s *signer, guard *replayGuard) (*Message, error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], delimiter) {
		i++
	}
	if i == len(frames) {
		return nil, errNoDelimiter
	}
	rest := frames[i+1:]
	if len(rest) < 5 {
		return nil, errShortMessage
	}
	sig, signed := rest[0], rest[1:5]
	if !s.verify(sig, signed) {
		return nil, errBadSignature
	}
	if s.newHash != nil && guard != nil && !guard.fresh(sig) {
		return nil, errReplay
	}
	m := &Message{
		Identities: frames[:i],
		RawHeader:  signed[0],
		Parent:     signed[1],
		Metadata:   signed[2],
		Content:    signed[3],
		Buffers:    rest[5:],
	}
	if err := json.Unmarshal(signed[0], &m.Header); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if m.Header.MsgType == "" {
		return nil, errors.New("header: no msg_type")
	}
	return m, nil
}

// encode builds the frames of a message: identities, delimiter, signature, the four
// JSON frames, buffers.
func encode(m *Message, s *signer) [][]byte {
	signed := [][]byte{orEmpty(m.RawHeader), orEmpty(m.Parent), orEmpty(m.Metadata), orEmpty(m.Content)}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, delimiter, s.sign(signed))
	frames = append(frames, signed...)
	return append(frames, m.Buffers...)
}

func orEmpty(b []byte) []byte {
	if len(b) == 0 {
		return []byte("{}")
	}
	return b
}

// newHeader makes the header of a message the kernel sends.
func newHeader(msgType, session string) Header {
	return Header{
		MsgID:    newID(),
		Session:  session,
		Username: "gonote",
		Date:     time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
		MsgType:  msgType,
		Version:  protocolVersion,
	}
}

// newID returns a random UUID (version 4) as Jupyter uses for msg_id and session.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return strings.Join([]string{h[:8], h[8:12], h[12:16], h[16:20], h[20:]}, "-")
}

package kernel

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func testMessage(msgType string) *Message {
	h, _ := json.Marshal(newHeader(msgType, "client-session"))
	return &Message{
		Identities: [][]byte{[]byte("peer-1")},
		RawHeader:  h,
		Parent:     []byte(`{}`),
		Metadata:   []byte(`{"k":1}`),
		Content:    []byte(`{"code":"1+1"}`),
		Buffers:    [][]byte{[]byte("buf")},
	}
}

func TestWireRoundTrip(t *testing.T) {
	for _, scheme := range []string{"hmac-sha256", "hmac-sha512", "hmac-sha1"} {
		for _, key := range []string{"", "secret-key"} {
			s, err := newSigner(scheme, key)
			if err != nil {
				t.Fatal(err)
			}
			m := testMessage("execute_request")
			got, err := decode(encode(m, s), s, newReplayGuard())
			if err != nil {
				t.Fatalf("%s key %q: decode: %v", scheme, key, err)
			}
			if got.Header.MsgType != "execute_request" || !bytes.Equal(got.Content, m.Content) ||
				!bytes.Equal(got.Metadata, m.Metadata) || len(got.Buffers) != 1 ||
				len(got.Identities) != 1 || string(got.Identities[0]) != "peer-1" {
				t.Errorf("%s key %q: round trip changed the message: %+v", scheme, key, got)
			}
		}
	}
}

func TestSignatureIsHMACOfTheFourFrames(t *testing.T) {
	// The value Python computes for the same frames, as jupyter_client does:
	// hmac.new(b"key", b"{}{}{}{}", hashlib.sha256).hexdigest()
	s, _ := newSigner("hmac-sha256", "key")
	got := s.sign([][]byte{[]byte("{}"), []byte("{}"), []byte("{}"), []byte("{}")})
	const want = "ca767b02c5bc061ed184a9a029e7f93a7f2f7ed4e8fe74120fc1212f0b008fa3"
	if string(got) != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	if !s.verify(bytes.ToUpper(got), [][]byte{[]byte("{}"), []byte("{}"), []byte("{}"), []byte("{}")}) {
		t.Error("verify rejects its own signature in upper case")
	}
}

func TestDecodeRejects(t *testing.T) {
	s, _ := newSigner("hmac-sha256", "secret")
	good := encode(testMessage("kernel_info_request"), s)
	tamper := func(f func([][]byte) [][]byte) [][]byte {
		c := make([][]byte, len(good))
		for i := range good {
			c[i] = append([]byte(nil), good[i]...)
		}
		return f(c)
	}
	// good[0] identity, [1] delimiter, [2] signature, [3..6] header parent metadata content.
	cases := []struct {
		name   string
		frames [][]byte
		want   error
	}{
		{"no delimiter", tamper(func(f [][]byte) [][]byte { return append(f[:1], f[2:]...) }), errNoDelimiter},
		{"short", tamper(func(f [][]byte) [][]byte { return f[:5] }), errShortMessage},
		{"empty", nil, errNoDelimiter},
		{"bad signature", tamper(func(f [][]byte) [][]byte { f[2][0] ^= 1; return f }), errBadSignature},
		{"missing signature", tamper(func(f [][]byte) [][]byte { f[2] = nil; return f }), errBadSignature},
		{"changed content", tamper(func(f [][]byte) [][]byte { f[6] = []byte(`{"code":"rm"}`); return f }), errBadSignature},
	}
	for _, c := range cases {
		if _, err := decode(c.frames, s, newReplayGuard()); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}

	unsigned, _ := newSigner("hmac-sha256", "")
	bad := encode(testMessage("x"), unsigned)
	bad[3] = []byte("{not json")
	if _, err := decode(bad, unsigned, nil); err == nil || !strings.Contains(err.Error(), "header") {
		t.Errorf("bad header JSON: err = %v", err)
	}
}

func TestReplayRejected(t *testing.T) {
	s, _ := newSigner("hmac-sha256", "secret")
	g := newReplayGuard()
	frames := encode(testMessage("execute_request"), s)
	if _, err := decode(frames, s, g); err != nil {
		t.Fatal(err)
	}
	if _, err := decode(frames, s, g); !errors.Is(err, errReplay) {
		t.Fatalf("replay: err = %v, want %v", err, errReplay)
	}
	// A fresh message (new msg_id, so a new signature) is still accepted.
	if _, err := decode(encode(testMessage("execute_request"), s), s, g); err != nil {
		t.Fatal(err)
	}
}

func TestReplayGuardIsBounded(t *testing.T) {
	g := newReplayGuard()
	for i := range replayHistory + 10 {
		g.fresh([]byte(newID() + string(rune(i))))
	}
	if len(g.seen) != replayHistory {
		t.Errorf("guard keeps %d signatures, want %d", len(g.seen), replayHistory)
	}
}

func TestUnknownSignatureScheme(t *testing.T) {
	if _, err := newSigner("hmac-md5", "k"); err == nil {
		t.Error("hmac-md5 accepted")
	}
}

// FuzzDecode checks that no input makes decoding panic, and that whatever decodes
// encodes back to frames that decode to the same message.
func FuzzDecode(f *testing.F) {
	s, _ := newSigner("hmac-sha256", "")
	for _, m := range []*Message{testMessage("execute_request"), testMessage("kernel_info_request")} {
		f.Add(bytes.Join(encode(m, s), []byte{0}))
	}
	f.Add([]byte("<IDS|MSG>\x00\x00{}\x00{}\x00{}\x00{}"))
	f.Add([]byte("<IDS|MSG>\x00\x00{\"msg_type\":7}\x00{}\x00{}\x00{}"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		frames := bytes.Split(data, []byte{0})
		m, err := decode(frames, s, nil)
		if err != nil {
			return
		}
		again, err := decode(encode(m, s), s, nil)
		if err != nil {
			t.Fatalf("re-decoding an encoded message: %v", err)
		}
		if again.Header != m.Header || !bytes.Equal(orEmpty(again.Content), orEmpty(m.Content)) {
			t.Fatalf("round trip changed the message")
		}
	})
}

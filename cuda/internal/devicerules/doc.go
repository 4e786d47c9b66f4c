// Package devicerules tests package tensor's device rules (mixing
// devices, host access to device tensors, printing, moving, Free and the
// CUDA memory functions) against a fake "cuda" backend that keeps its
// buffers in host memory, so the rules are checked on machines without a
// GPU. It has no code of its own.
package devicerules

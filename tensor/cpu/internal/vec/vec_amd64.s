//go:build !purego

#include "textflag.h"

// The float32 arithmetic kernels: 32 elements per iteration in four YMM
// registers, then one element at a time. They need AVX (see Enabled).

// VV is dst[i] = x[i] OP y[i] for func(dst, x, y []float32).
#define VV(NAME, OP) \
TEXT NAME(SB), NOSPLIT, $0-72; \
	MOVQ dst_base+0(FP), DI; \
	MOVQ dst_len+8(FP), CX; \
	MOVQ x_base+24(FP), SI; \
	MOVQ y_base+48(FP), DX; \
	XORQ AX, AX; \
	MOVQ CX, BX; \
	ANDQ $~31, BX; \
	JZ tail; \
loop:; \
	VMOVUPS (SI)(AX*4), Y0; \
	VMOVUPS 32(SI)(AX*4), Y1; \
	VMOVUPS 64(SI)(AX*4), Y2; \
	VMOVUPS 96(SI)(AX*4), Y3; \
	OP (DX)(AX*4), Y0, Y0; \
	OP 32(DX)(AX*4), Y1, Y1; \
	OP 64(DX)(AX*4), Y2, Y2; \
	OP 96(DX)(AX*4), Y3, Y3; \
	VMOVUPS Y0, (DI)(AX*4); \
	VMOVUPS Y1, 32(DI)(AX*4); \
	VMOVUPS Y2, 64(DI)(AX*4); \
	VMOVUPS Y3, 96(DI)(AX*4); \
	ADDQ $32, AX; \
	CMPQ AX, BX; \
	JB loop; \
	VZEROUPPER; \
tail:; \
	CMPQ AX, CX; \
	JAE done; \
	VMOVSS (SI)(AX*4), X0; \
	VMOVSS (DX)(AX*4), X1; \
	OP X1, X0, X0; \
	VMOVSS X0, (DI)(AX*4); \
	INCQ AX; \
	JMP tail; \
done:; \
	VZEROUPPER; \
	RET

// VS is dst[i] = x[i] OP y for func(dst, x []float32, y float32).
#define VS(NAME, OP) \
TEXT NAME(SB), NOSPLIT, $0-52; \
	MOVQ dst_base+0(FP), DI; \
	MOVQ dst_len+8(FP), CX; \
	MOVQ x_base+24(FP), SI; \
	VBROADCASTSS y+48(FP), Y4; \
	XORQ AX, AX; \
	MOVQ CX, BX; \
	ANDQ $~31, BX; \
	JZ tail; \
loop:; \
	VMOVUPS (SI)(AX*4), Y0; \
	VMOVUPS 32(SI)(AX*4), Y1; \
	VMOVUPS 64(SI)(AX*4), Y2; \
	VMOVUPS 96(SI)(AX*4), Y3; \
	OP Y4, Y0, Y0; \
	OP Y4, Y1, Y1; \
	OP Y4, Y2, Y2; \
	OP Y4, Y3, Y3; \
	VMOVUPS Y0, (DI)(AX*4); \
	VMOVUPS Y1, 32(DI)(AX*4); \
	VMOVUPS Y2, 64(DI)(AX*4); \
	VMOVUPS Y3, 96(DI)(AX*4); \
	ADDQ $32, AX; \
	CMPQ AX, BX; \
	JB loop; \
tail:; \
	CMPQ AX, CX; \
	JAE done; \
	VMOVSS (SI)(AX*4), X0; \
	OP X4, X0, X0; \
	VMOVSS X0, (DI)(AX*4); \
	INCQ AX; \
	JMP tail; \
done:; \
	VZEROUPPER; \
	RET

// VVNT is VV with non-temporal stores, for len(dst) a multiple of 32 and
// dst 32-byte aligned.
#define VVNT(NAME, OP) \
TEXT NAME(SB), NOSPLIT, $0-72; \
	MOVQ dst_base+0(FP), DI; \
	MOVQ dst_len+8(FP), CX; \
	MOVQ x_base+24(FP), SI; \
	MOVQ y_base+48(FP), DX; \
	XORQ AX, AX; \
	TESTQ CX, CX; \
	JZ done; \
loop:; \
	VMOVUPS (SI)(AX*4), Y0; \
	VMOVUPS 32(SI)(AX*4), Y1; \
	VMOVUPS 64(SI)(AX*4), Y2; \
	VMOVUPS 96(SI)(AX*4), Y3; \
	OP (DX)(AX*4), Y0, Y0; \
	OP 32(DX)(AX*4), Y1, Y1; \
	OP 64(DX)(AX*4), Y2, Y2; \
	OP 96(DX)(AX*4), Y3, Y3; \
	VMOVNTPS Y0, (DI)(AX*4); \
	VMOVNTPS Y1, 32(DI)(AX*4); \
	VMOVNTPS Y2, 64(DI)(AX*4); \
	VMOVNTPS Y3, 96(DI)(AX*4); \
	ADDQ $32, AX; \
	CMPQ AX, CX; \
	JB loop; \
	SFENCE; \
done:; \
	VZEROUPPER; \
	RET

// VSNT is VS with non-temporal stores, for len(dst) a multiple of 32 and
// dst 32-byte aligned.
#define VSNT(NAME, OP) \
TEXT NAME(SB), NOSPLIT, $0-52; \
	MOVQ dst_base+0(FP), DI; \
	MOVQ dst_len+8(FP), CX; \
	MOVQ x_base+24(FP), SI; \
	VBROADCASTSS y+48(FP), Y4; \
	XORQ AX, AX; \
	TESTQ CX, CX; \
	JZ done; \
loop:; \
	VMOVUPS (SI)(AX*4), Y0; \
	VMOVUPS 32(SI)(AX*4), Y1; \
	VMOVUPS 64(SI)(AX*4), Y2; \
	VMOVUPS 96(SI)(AX*4), Y3; \
	OP Y4, Y0, Y0; \
	OP Y4, Y1, Y1; \
	OP Y4, Y2, Y2; \
	OP Y4, Y3, Y3; \
	VMOVNTPS Y0, (DI)(AX*4); \
	VMOVNTPS Y1, 32(DI)(AX*4); \
	VMOVNTPS Y2, 64(DI)(AX*4); \
	VMOVNTPS Y3, 96(DI)(AX*4); \
	ADDQ $32, AX; \
	CMPQ AX, CX; \
	JB loop; \
	SFENCE; \
done:; \
	VZEROUPPER; \
	RET

VV(·addVV, VADDPS)
VV(·subVV, VSUBPS)
VV(·mulVV, VMULPS)
VV(·divVV, VDIVPS)
VS(·addVS, VADDPS)
VS(·subVS, VSUBPS)
VS(·mulVS, VMULPS)
VS(·divVS, VDIVPS)
VVNT(·addVVNT, VADDPS)
VVNT(·subVVNT, VSUBPS)
VVNT(·mulVVNT, VMULPS)
VVNT(·divVVNT, VDIVPS)
VSNT(·addVSNT, VADDPS)
VSNT(·subVSNT, VSUBPS)
VSNT(·mulVSNT, VMULPS)
VSNT(·divVSNT, VDIVPS)

// func accF64(dst []float64, x []float32): dst[i] += float64(x[i]), 16
// elements per iteration, then one at a time.
TEXT ·accF64(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $~15, BX
	JZ tail
loop:
	VCVTPS2PD (SI)(AX*4), Y0
	VCVTPS2PD 16(SI)(AX*4), Y1
	VCVTPS2PD 32(SI)(AX*4), Y2
	VCVTPS2PD 48(SI)(AX*4), Y3
	VADDPD (DI)(AX*8), Y0, Y0
	VADDPD 32(DI)(AX*8), Y1, Y1
	VADDPD 64(DI)(AX*8), Y2, Y2
	VADDPD 96(DI)(AX*8), Y3, Y3
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ $16, AX
	CMPQ AX, BX
	JB loop
	VZEROUPPER
tail:
	CMPQ AX, CX
	JAE done
	VCVTSS2SD (SI)(AX*4), X0, X0
	VADDSD (DI)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP tail
done:
	VZEROUPPER
	RET

// func sumF32(x []float32) float64: the sum of x, whose length is a
// multiple of 32. Blocks of up to 1024 values add up in 32 float32 lanes
// (four YMM registers); each block's lanes then go into four float64 lanes.
TEXT ·sumF32(SB), NOSPLIT, $0-32
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VXORPD Y8, Y8, Y8
block:
	CMPQ CX, $0
	JE end
	MOVQ CX, BX
	CMPQ BX, $1024
	JBE blocklen
	MOVQ $1024, BX
blocklen:
	SUBQ BX, CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
inner:
	VADDPS (SI), Y0, Y0
	VADDPS 32(SI), Y1, Y1
	VADDPS 64(SI), Y2, Y2
	VADDPS 96(SI), Y3, Y3
	ADDQ $128, SI
	SUBQ $32, BX
	JNZ inner
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	VCVTPS2PD X0, Y4
	VEXTRACTF128 $1, Y0, X5
	VCVTPS2PD X5, Y5
	VADDPD Y4, Y8, Y8
	VADDPD Y5, Y8, Y8
	JMP block
end:
	VEXTRACTF128 $1, Y8, X9
	VADDPD X9, X8, X8
	VHADDPD X8, X8, X8
	VMOVSD X8, ret+24(FP)
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

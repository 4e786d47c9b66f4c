// Package optim holds optimizers and learning-rate schedulers with
// PyTorch's update rules (torch.optim): SGD with momentum, Nesterov and
// weight decay, Adam, AdamW, StepLR and CosineAnnealingLR.
//
//	opt := optim.NewAdam(nn.Parameters(model), optim.AdamOptions{LR: 1e-3})
//	for step := 0; step < 100; step++ {
//		opt.ZeroGrad()
//		loss := F.CrossEntropy(model.Forward(x), y)
//		loss.Backward()
//		opt.Step()
//	}
//
// Optimizers update the parameters in place inside tensor.NoGrad, skip
// parameters whose Grad is nil, and keep their state (momentum buffers,
// moment estimates) per parameter. Options are plain structs whose zero
// fields mean PyTorch's defaults.
package optim

import (
	"math"

	"gonote/tensor"
)

// An Optimizer updates parameters from their gradients.
type Optimizer interface {
	// Step applies one update to every parameter that has a gradient.
	Step()
	// ZeroGrad clears the gradients of the parameters (sets them to nil,
	// PyTorch 2's default set_to_none=True).
	ZeroGrad()
	// LR returns the learning rate.
	LR() float64
	// SetLR sets the learning rate (schedulers use it).
	SetLR(lr float64)
}

func zeroGrad(params []*tensor.Tensor) {
	for _, p := range params {
		p.SetGrad(nil)
	}
}

// SGDOptions configures SGD. Zero fields mean PyTorch's defaults (and LR
// 0 means 0.001).
type SGDOptions struct {
	LR          float64 // learning rate
	Momentum    float64 // momentum factor μ (0: plain SGD)
	Dampening   float64 // dampening τ of the momentum
	WeightDecay float64 // L2 penalty wd added to the gradient
	// Nesterov uses Nesterov momentum (needs Momentum > 0 and Dampening 0).
	Nesterov bool
}

// SGD is stochastic gradient descent, like torch.optim.SGD: with weight
// decay wd, momentum μ and dampening τ, g = grad + wd·p, b = μ·b + (1-τ)·g
// (b = g on the first step), g = g + μ·b with Nesterov or b without, and
// p = p - lr·g.
type SGD struct {
	Params []*tensor.Tensor
	SGDOptions
	bufs map[*tensor.Tensor]*tensor.Tensor
}

// NewSGD returns an SGD optimizer over params. It panics with a ValueError
// for Nesterov without momentum or with dampening, as PyTorch does.
func NewSGD(params []*tensor.Tensor, opts SGDOptions) *SGD {
	if opts.LR == 0 {
		opts.LR = 1e-3
	}
	if opts.Nesterov && (opts.Momentum <= 0 || opts.Dampening != 0) {
		panic(&tensor.Error{Kind: tensor.ValueError, Op: "sgd", Msg: "Nesterov momentum requires a momentum and zero dampening"})
	}
	return &SGD{Params: params, SGDOptions: opts, bufs: map[*tensor.Tensor]*tensor.Tensor{}}
}

// Step applies one SGD update.
func (o *SGD) Step() {
	tensor.NoGrad(func() {
		for _, p := range o.Params {
			g := p.Grad()
			if g == nil {
				continue
			}
			if o.WeightDecay != 0 {
				g = g.Add(p.Mul(o.WeightDecay))
			}
			if o.Momentum != 0 {
				b, ok := o.bufs[p]
				if !ok {
					b = g.Clone()
					o.bufs[p] = b
				} else {
					d := g
					if o.Dampening != 0 {
						d = g.Mul(1 - o.Dampening) // skipped when it is 1: x·1 is x
					}
					b.Mul_(o.Momentum).Add_(d)
				}
				if o.Nesterov {
					g = g.Add(b.Mul(o.Momentum))
				} else {
					g = b
				}
			}
			p.Sub_(g.Mul(o.SGDOptions.LR))
		}
	})
}

// ZeroGrad clears the parameters' gradients.
func (o *SGD) ZeroGrad() { zeroGrad(o.Params) }

// LR returns the learning rate.
func (o *SGD) LR() float64 { return o.SGDOptions.LR }

// SetLR sets the learning rate.
func (o *SGD) SetLR(lr float64) { o.SGDOptions.LR = lr }

// AdamOptions configures Adam and AdamW. Zero fields mean PyTorch's
// defaults: LR 0.001, Betas (0.9, 0.999), Eps 1e-8, and WeightDecay 0 for
// Adam; AdamW's WeightDecay 0 means 0.01 (set NoWeightDecay for none).
type AdamOptions struct {
	LR          float64    // learning rate
	Betas       [2]float64 // decay rates β1, β2 of the moment estimates
	Eps         float64    // added to the denominator for stability
	WeightDecay float64    // L2 penalty (Adam) or decoupled decay (AdamW)
	// NoWeightDecay turns AdamW's default weight decay off.
	NoWeightDecay bool
}

// Adam is torch.optim.Adam (decoupled is false) or torch.optim.AdamW
// (decoupled): m = β1·m + (1-β1)·g, v = β2·v + (1-β2)·g², and p = p -
// lr/(1-β1ᵗ) · m / (sqrt(v)/sqrt(1-β2ᵗ) + eps). Adam adds wd·p to g;
// AdamW multiplies p by 1 - lr·wd first.
type Adam struct {
	Params []*tensor.Tensor
	AdamOptions
	decoupled bool
	state     map[*tensor.Tensor]*adamState
}

type adamState struct {
	step int
	m, v *tensor.Tensor
}

func newAdam(params []*tensor.Tensor, o AdamOptions, decoupled bool) *Adam {
	if o.LR == 0 {
		o.LR = 1e-3
	}
	if o.Betas == [2]float64{} {
		o.Betas = [2]float64{0.9, 0.999}
	}
	if o.Eps == 0 {
		o.Eps = 1e-8
	}
	if decoupled && o.WeightDecay == 0 && !o.NoWeightDecay {
		o.WeightDecay = 0.01
	}
	if o.NoWeightDecay {
		o.WeightDecay = 0
	}
	return &Adam{Params: params, AdamOptions: o, decoupled: decoupled, state: map[*tensor.Tensor]*adamState{}}
}

// NewAdam returns an Adam optimizer over params.
func NewAdam(params []*tensor.Tensor, opts AdamOptions) *Adam { return newAdam(params, opts, false) }

// NewAdamW returns an AdamW optimizer (decoupled weight decay) over params.
func NewAdamW(params []*tensor.Tensor, opts AdamOptions) *Adam { return newAdam(params, opts, true) }

// Step applies one Adam (or AdamW) update.
func (o *Adam) Step() {
	b1, b2 := o.Betas[0], o.Betas[1]
	tensor.NoGrad(func() {
		for _, p := range o.Params {
			g := p.Grad()
			if g == nil {
				continue
			}
			s, ok := o.state[p]
			if !ok {
				s = &adamState{m: tensor.ZerosLike(p), v: tensor.ZerosLike(p)}
				o.state[p] = s
			}
			s.step++
			if o.WeightDecay != 0 {
				if o.decoupled {
					p.Mul_(1 - o.AdamOptions.LR*o.WeightDecay)
				} else {
					g = g.Add(p.Mul(o.WeightDecay))
				}
			}
			s.m.Mul_(b1).Add_(g.Mul(1 - b1))
			s.v.Mul_(b2).Add_(g.Mul(g).Mul(1 - b2))
			bc1 := 1 - math.Pow(b1, float64(s.step))
			bc2 := 1 - math.Pow(b2, float64(s.step))
			denom := s.v.Sqrt().Div(math.Sqrt(bc2)).Add(o.Eps)
			p.Sub_(s.m.Div(denom).Mul(o.AdamOptions.LR / bc1))
		}
	})
}

// ZeroGrad clears the parameters' gradients.
func (o *Adam) ZeroGrad() { zeroGrad(o.Params) }

// LR returns the learning rate.
func (o *Adam) LR() float64 { return o.AdamOptions.LR }

// SetLR sets the learning rate.
func (o *Adam) SetLR(lr float64) { o.AdamOptions.LR = lr }

// StepLR multiplies the learning rate by Gamma every StepSize epochs, like
// torch.optim.lr_scheduler.StepLR. Call Step once per epoch, after the
// optimizer's steps.
type StepLR struct {
	opt      Optimizer
	base     float64
	epoch    int
	StepSize int
	Gamma    float64
}

// NewStepLR returns a StepLR on opt (gamma 0 means PyTorch's 0.1).
func NewStepLR(opt Optimizer, stepSize int, gamma float64) *StepLR {
	if gamma == 0 {
		gamma = 0.1
	}
	return &StepLR{opt: opt, base: opt.LR(), StepSize: stepSize, Gamma: gamma}
}

// Step ends an epoch and sets the optimizer's learning rate to
// base·Gamma^(epoch/StepSize).
func (s *StepLR) Step() {
	s.epoch++
	s.opt.SetLR(s.base * math.Pow(s.Gamma, float64(s.epoch/s.StepSize)))
}

// LastLR returns the learning rate the scheduler set last.
func (s *StepLR) LastLR() float64 { return s.opt.LR() }

// CosineAnnealingLR anneals the learning rate from its initial value to
// EtaMin along a half cosine over TMax epochs, like
// torch.optim.lr_scheduler.CosineAnnealingLR: lr = EtaMin + (base -
// EtaMin)·(1 + cos(π·epoch/TMax))/2.
type CosineAnnealingLR struct {
	opt    Optimizer
	base   float64
	epoch  int
	TMax   int
	EtaMin float64
}

// NewCosineAnnealingLR returns a CosineAnnealingLR on opt.
func NewCosineAnnealingLR(opt Optimizer, tMax int, etaMin float64) *CosineAnnealingLR {
	return &CosineAnnealingLR{opt: opt, base: opt.LR(), TMax: tMax, EtaMin: etaMin}
}

// Step ends an epoch and sets the learning rate for the next.
func (s *CosineAnnealingLR) Step() {
	s.epoch++
	s.opt.SetLR(s.EtaMin + (s.base-s.EtaMin)*(1+math.Cos(math.Pi*float64(s.epoch)/float64(s.TMax)))/2)
}

// LastLR returns the learning rate the scheduler set last.
func (s *CosineAnnealingLR) LastLR() float64 { return s.opt.LR() }

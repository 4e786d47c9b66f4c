package data

import (
	"math"
	"math/rand/v2"

	"gonote/tensor"
)

// This file makes the synthetic datasets. Each returns Float32 inputs and
// Int64 class labels and is determined by its seed.

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// shuffled permutes the rows of x (row width w) and the labels together.
func shuffled(r *rand.Rand, x []float32, y []int64, w int) {
	r.Shuffle(len(y), func(i, j int) {
		y[i], y[j] = y[j], y[i]
		for k := 0; k < w; k++ {
			x[i*w+k], x[j*w+k] = x[j*w+k], x[i*w+k]
		}
	})
}

// MakeMoons returns n points of two interleaving half circles, [n, 2], and
// their labels 0 and 1, with Gaussian noise of standard deviation noise,
// like scikit-learn's make_moons.
func MakeMoons(n int, noise float64, seed uint64) (x, y *tensor.Tensor) {
	r := newRand(seed)
	nOut := n / 2
	nIn := n - nOut
	xs := make([]float32, 0, 2*n)
	ys := make([]int64, 0, n)
	for i := 0; i < nOut; i++ {
		t := math.Pi * float64(i) / float64(max(nOut-1, 1))
		xs = append(xs, float32(math.Cos(t)+noise*r.NormFloat64()), float32(math.Sin(t)+noise*r.NormFloat64()))
		ys = append(ys, 0)
	}
	for i := 0; i < nIn; i++ {
		t := math.Pi * float64(i) / float64(max(nIn-1, 1))
		xs = append(xs, float32(1-math.Cos(t)+noise*r.NormFloat64()), float32(0.5-math.Sin(t)+noise*r.NormFloat64()))
		ys = append(ys, 1)
	}
	shuffled(r, xs, ys, 2)
	return tensor.FromSlice(xs, n, 2), tensor.FromSlice(ys, n)
}

// MakeSpirals returns perClass points of each of classes interleaved
// spiral arms, [perClass·classes, 2], with labels 0..classes-1 (the
// CS231n spiral data); noise perturbs the angle.
func MakeSpirals(perClass, classes int, noise float64, seed uint64) (x, y *tensor.Tensor) {
	r := newRand(seed)
	n := perClass * classes
	xs := make([]float32, 0, 2*n)
	ys := make([]int64, 0, n)
	for c := 0; c < classes; c++ {
		for i := 0; i < perClass; i++ {
			rad := float64(i) / float64(max(perClass-1, 1))
			t := float64(c)*4 + 4*rad + noise*r.NormFloat64()
			xs = append(xs, float32(rad*math.Sin(t)), float32(rad*math.Cos(t)))
			ys = append(ys, int64(c))
		}
	}
	shuffled(r, xs, ys, 2)
	return tensor.FromSlice(xs, n, 2), tensor.FromSlice(ys, n)
}

// MakeBlobs returns n points in dim dimensions drawn around centers
// Gaussian blobs of standard deviation std, with the blob index as label,
// like scikit-learn's make_blobs (centers uniform in [-10, 10]).
func MakeBlobs(n, centers, dim int, std float64, seed uint64) (x, y *tensor.Tensor) {
	r := newRand(seed)
	c := make([]float64, centers*dim)
	for i := range c {
		c[i] = 20*r.Float64() - 10
	}
	xs := make([]float32, 0, n*dim)
	ys := make([]int64, 0, n)
	for i := 0; i < n; i++ {
		k := i % centers
		for d := 0; d < dim; d++ {
			xs = append(xs, float32(c[k*dim+d]+std*r.NormFloat64()))
		}
		ys = append(ys, int64(k))
	}
	shuffled(r, xs, ys, dim)
	return tensor.FromSlice(xs, n, dim), tensor.FromSlice(ys, n)
}

// ShapeNames are the classes of [MakeShapes], by label.
var ShapeNames = []string{"circle", "square", "triangle"}

// MakeShapes returns n grayscale images [n, 1, size, size] (values in
// [0, 1]) of a filled circle, square or triangle (labels 0, 1, 2; see
// ShapeNames) of random size and position, with Gaussian pixel noise of
// standard deviation noise, for training small CNNs.
func MakeShapes(n, size int, noise float64, seed uint64) (x, y *tensor.Tensor) {
	r := newRand(seed)
	px := make([]float32, n*size*size)
	ys := make([]int64, n)
	s := float64(size)
	for i := 0; i < n; i++ {
		k := i % 3
		ys[i] = int64(k)
		half := s * (0.2 + 0.15*r.Float64())
		cx := half + (s-2*half)*r.Float64()
		cy := half + (s-2*half)*r.Float64()
		img := px[i*size*size : (i+1)*size*size]
		for py := 0; py < size; py++ {
			for pxl := 0; pxl < size; pxl++ {
				fx, fy := float64(pxl)+0.5-cx, float64(py)+0.5-cy
				in := false
				switch k {
				case 0:
					in = fx*fx+fy*fy <= half*half
				case 1:
					in = math.Abs(fx) <= half*0.85 && math.Abs(fy) <= half*0.85
				case 2: // apex up: |x| grows linearly from the top to the base
					in = fy >= -half && fy <= half && math.Abs(fx) <= (fy+half)/2
				}
				v := 0.0
				if in {
					v = 1
				}
				v += noise * r.NormFloat64()
				img[py*size+pxl] = float32(min(max(v, 0), 1))
			}
		}
	}
	perm := r.Perm(n)
	xs := make([]float32, len(px))
	yo := make([]int64, n)
	for i, p := range perm {
		copy(xs[i*size*size:(i+1)*size*size], px[p*size*size:(p+1)*size*size])
		yo[i] = ys[p]
	}
	return tensor.FromSlice(xs, n, 1, size, size), tensor.FromSlice(yo, n)
}

//go:build ignore

// gen writes the files of notebooks/data that 06-image-classification.ipynb
// reads: one sample PNG per class of the shapes set (circle.png, square.png,
// triangle.png), drawn by data.MakeShapes at 96×96 so that the notebook's
// resize to 28×28 does real work, and shapes-cnn.safetensors, the small CNN
// that 07-training.ipynb trains, trained here by the same code (same seeds,
// layers, optimizer, batches and epochs).
//
// Run it from this directory, with the build tags of the kernel (make prints
// them), to rewrite the files in place:
//
//	go run -tags openblas gen.go
//
// The PNGs are the same bytes on every machine. The weights depend on the
// matmul's rounding, so another BLAS or CPU can give other bytes (and the
// same accuracy).
package main

import (
	"fmt"
	"image/png"
	"log"
	"os"

	"gonote/tensor"
	"gonote/tensor/data"
	"gonote/tensor/nn"
	F "gonote/tensor/nn/functional"
	"gonote/tensor/optim"
)

func main() {
	log.SetFlags(0)
	writeSamples()
	train()
}

// writeSamples draws one 96×96 image per class, with the pixel noise of the
// training set, and writes it as an 8-bit gray PNG named after its class.
func writeSamples() {
	x, y := data.MakeShapes(3, 96, 0.2, 2024)
	for i, label := range y.Int64s() {
		img := x.Index(i, 0).Mul(255).Round().Clamp(0, 255).To(tensor.Uint8).ToImage()
		name := data.ShapeNames[label] + ".png"
		f, err := os.Create(name)
		if err != nil {
			log.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			log.Fatal(err)
		}
		if err := f.Close(); err != nil {
			log.Fatal(err)
		}
		fmt.Println("wrote", name)
	}
}

// newModel is the CNN of 07-training.ipynb: three 3×3 convolutions with
// ReLU and 2×2 max pooling (28 → 14 → 7 → 3), then one linear layer.
func newModel() *nn.Sequential {
	return nn.NewSequential(
		nn.NewConv2d(1, 8, 3, F.Conv2dOptions{Padding: 1}), nn.ReLU{}, nn.MaxPool2d{Kernel: 2},
		nn.NewConv2d(8, 16, 3, F.Conv2dOptions{Padding: 1}), nn.ReLU{}, nn.MaxPool2d{Kernel: 2},
		nn.NewConv2d(16, 32, 3, F.Conv2dOptions{Padding: 1}), nn.ReLU{}, nn.MaxPool2d{Kernel: 2},
		nn.NewFlatten(),
		nn.NewLinear(32*3*3, 3),
	)
}

// train repeats the training cells of 07-training.ipynb and saves the model.
func train() {
	images, labels := data.MakeShapes(3600, 28, 0.2, 7)
	xTrain, yTrain := images.I(":3000"), labels.I(":3000")
	xTest, yTest := images.I("3000:"), labels.I("3000:")
	loader := &data.DataLoader{Dataset: data.NewTensorDataset(xTrain, yTrain), BatchSize: 64, Shuffle: true, Seed: 1}

	tensor.ManualSeed(0)
	model := newModel()
	opt := optim.NewAdam(nn.Parameters(model), optim.AdamOptions{LR: 0.003})
	for epoch := 1; epoch <= 3; epoch++ {
		nn.Train(model)
		for _, b := range loader.Batches() {
			opt.ZeroGrad()
			loss := F.CrossEntropy(model.Forward(b[0]), b[1])
			loss.Backward()
			opt.Step()
		}
		nn.Eval(model)
		var acc float64
		tensor.NoGrad(func() {
			acc = model.Forward(xTest).Argmax(1).Eq(yTest).To(tensor.Float32).Mean().Item()
		})
		fmt.Printf("epoch %d: held-out accuracy %.1f%%\n", epoch, 100*acc)
	}
	if err := nn.Save(model, "shapes-cnn.safetensors"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote shapes-cnn.safetensors")
}

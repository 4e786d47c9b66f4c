package interp

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"

	"gonote/interp/symbols"
	"gonote/kernel"
)

// newNotebookEngine returns an engine with the packages the kernel binds
// (display, tensor, nn, ...), as in a notebook.
func newNotebookEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := New(Options{Symbols: []interp.Exports{symbols.Symbols}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Shutdown(false) })
	return e
}

// displayOut records display and clear_output calls.
type displayOut struct {
	fakeOut
	shown   []kernel.Bundle
	cleared int
}

func (o *displayOut) Display(b kernel.Bundle, id string, update bool) { o.shown = append(o.shown, b) }
func (o *displayOut) ClearOutput(bool)                                { o.cleared++ }

// TestImplicitImports: packages are usable by name without an import, and an
// explicit import or a declared name of the same spelling wins.
func TestImplicitImports(t *testing.T) {
	e := newEngine(t)
	runCells(t, e, []cellCase{
		{code: `fmt.Println("no import")`, stdout: "no import\n"},
		{code: `strings.ToUpper("go")`, result: `"GO"`},
		{code: `math.Sqrt(16)`, result: "4"},
		{code: "import m \"math\"\nm.Abs(-2)", result: "2"},
		{code: "type T struct{ N int }\nfunc (t T) Twice() int { return 2 * t.N }\nt := T{4}\nt.Twice()", result: "8"},
		{code: `import "fmt"` + "\n" + `fmt.Sprint(1)`, result: `"1"`},
	})
	if r := execute(e, `nosuchpkg.Foo()`, nil); r.Err == nil || !strings.Contains(r.Err.Value, "nosuchpkg") {
		t.Errorf("unknown package: %+v", r.Err)
	}
}

// TestDisplay: display.Show publishes on the running cell, and a final value
// that renders itself is shown with its own MIME types.
func TestDisplay(t *testing.T) {
	e := newNotebookEngine(t)
	out := &displayOut{}
	r := execute(e, "fmt.Println(\"before\")\ndisplay.Show(display.HTML(\"<b>x</b>\"))\ndisplay.Clear(true)\ndisplay.Markdown(\"*m*\")", out)
	if r.Err != nil {
		t.Fatalf("%v %q", r.Err, r.Err.Traceback)
	}
	if len(out.shown) != 1 || out.shown[0].Data["text/html"] != "<b>x</b>" || out.cleared != 1 {
		t.Errorf("shown %v, cleared %d", out.shown, out.cleared)
	}
	if r.Result == nil || r.Result.Data["text/markdown"] != "*m*" {
		t.Errorf("result %+v", r.Result)
	}
}

func TestMagics(t *testing.T) {
	e := newEngine(t)
	r := execute(e, "%help", nil)
	if r.Err != nil || len(r.Payload) != 1 || r.Payload[0]["source"] != "page" {
		t.Fatalf("%%help: %+v", r)
	}
	if text := r.Payload[0]["data"].(map[string]any)["text/plain"].(string); !strings.Contains(text, "strings") {
		t.Errorf("%%help does not list packages:\n%s", text)
	}
	if r := execute(e, "%nope", nil); r.Err == nil || r.Err.Name != "UsageError" || !strings.Contains(r.Err.Value, "%nope") {
		t.Errorf("unknown magic: %+v", r.Err)
	}
}

// TestInterpretedRenderer: a type declared in a cell renders itself through its
// MIMEBundle method when it is the cell's value.
func TestInterpretedRenderer(t *testing.T) {
	e := newNotebookEngine(t)
	decl := "type Card struct{ Name string }\n" +
		"func (c Card) MIMEBundle() (map[string]any, map[string]any) {\n" +
		"\treturn map[string]any{\"text/html\": \"<b>\" + c.Name + \"</b>\"}, nil\n}\n" +
		"func (c Card) String() string { return \"card \" + c.Name }"
	if r := execute(e, decl, nil); r.Err != nil {
		t.Fatal(r.Err)
	}
	r := execute(e, `Card{"ace"}`, nil)
	if r.Err != nil || r.Result == nil || r.Result.Data["text/html"] != "<b>ace</b>" || r.Result.Data["text/plain"] != "card ace" {
		t.Errorf("final value: %+v %v", r.Result, r.Err)
	}
	r = execute(e, "image.Rect(0, 0, 96, 96)", nil)
	if r.Result == nil || r.Result.Data["text/plain"] != "(0,0)-(96,96)" || len(r.Result.Data) != 1 {
		t.Errorf("a rectangle, an image.Image too, shows as its bounds: %+v", r.Result)
	}
	r = execute(e, "type Plain struct{ N int }\nPlain{3}", nil)
	if r.Result == nil || r.Result.Data["text/plain"] != "{3}" || len(r.Result.Data) != 1 {
		t.Errorf("a type without MIMEBundle: %+v", r.Result)
	}
}

// TestInterpretedRendererShown: display's functions that take any value keep
// the MIMEBundle method of a cell's type, and fmt prints a cell's error type
// through its Error method, as compiled Go would.
func TestInterpretedRendererShown(t *testing.T) {
	e := newNotebookEngine(t)
	out := &displayOut{}
	r := execute(e, "type Card struct{ Name string }\n"+
		"func (c Card) MIMEBundle() (map[string]any, map[string]any) {\n"+
		"\treturn map[string]any{\"text/html\": \"<b>\" + c.Name + \"</b>\"}, nil\n}\n"+
		"display.Show(Card{\"ace\"}, &Card{\"king\"}, 7)\n"+
		"h := display.New(Card{\"one\"})\n"+
		"var two display.Renderer = Card{\"two\"}\n"+
		"h.Update(two) // a method's any parameter keeps no methods: see README\n"+
		"type Oops struct{ Code int }\n"+
		"func (o Oops) Error() string { return fmt.Sprint(\"oops \", o.Code) }\n"+
		"fmt.Println(Oops{4}, &Oops{5})\n"+
		"fmt.Printf(\"%v|%s\\n\", Oops{6}, Oops{7})\n"+
		"for i := range display.Range(2) { fmt.Println(\"step\", i) }", out)
	if r.Err != nil {
		t.Fatalf("%v %q", r.Err, r.Err.Traceback)
	}
	var html []any
	for _, b := range out.shown {
		html = append(html, b.Data["text/html"])
	}
	want := []any{"<b>ace</b>", "<b>king</b>", nil, "<b>one</b>", "<b>two</b>"}
	if len(html) > len(want) {
		html = html[:len(want)] // then the progress bar of display.Range
	}
	if !reflect.DeepEqual(html, want) {
		t.Errorf("shown %v, want %v", html, want)
	}
	if len(out.shown) > 0 && out.shown[0].Data["text/plain"] != "<text/html output>" {
		t.Errorf("text/plain of a cell's Renderer: %q", out.shown[0].Data["text/plain"])
	}
	if got := out.text("stdout"); got != "oops 4 oops 5\noops 6|oops 7\nstep 0\nstep 1\n" {
		t.Errorf("fmt of a cell's error type printed %q", got)
	}
}

// TestInterpretedFormats: a type declared in a cell with display's
// single-format methods (HTML, PNG, ...) renders through them, as the cell's
// value and in display.Show, as compiled types do.
func TestInterpretedFormats(t *testing.T) {
	e := newNotebookEngine(t)
	decl := "type Badge struct{ N int }\n" +
		"func (b Badge) HTML() string { return fmt.Sprintf(\"<i>%d</i>\", b.N) }\n" +
		"func (b Badge) Latex() string { return fmt.Sprintf(\"$%d$\", b.N) }\n" +
		"func (b Badge) String() string { return fmt.Sprint(\"badge \", b.N) }\n" +
		"type Dot struct{}\n" +
		"func (Dot) PNG() []byte { var b bytes.Buffer; png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 3))); return b.Bytes() }"
	if r := execute(e, decl, nil); r.Err != nil {
		t.Fatal(r.Err)
	}
	r := execute(e, "Badge{7}", nil)
	if r.Result == nil || r.Result.Data["text/html"] != "<i>7</i>" || r.Result.Data["text/latex"] != "$7$" || r.Result.Data["text/plain"] != "badge 7" {
		t.Errorf("final value: %+v %v", r.Result, r.Err)
	}
	r = execute(e, "Dot{}", nil)
	if r.Result == nil || r.Result.Data["image/png"] == nil || r.Result.Metadata["image/png"] == nil {
		t.Errorf("final value with PNG: %+v %v", r.Result, r.Err)
	}
	out := &displayOut{}
	if r := execute(e, "display.Show(Badge{8}, Dot{})", out); r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(out.shown) != 2 || out.shown[0].Data["text/html"] != "<i>8</i>" || out.shown[1].Data["image/png"] == nil {
		t.Errorf("shown %v", out.shown)
	}
}

// TestTimeitTimesTheRestOfTheCell: with only options on its line, %timeit times
// the following lines (IPython's %%timeit), and runs them only while timing.
func TestTimeitTimesTheRestOfTheCell(t *testing.T) {
	e := newEngine(t)
	out := &fakeOut{}
	if r := execute(e, "%timeit -n 3 -r 2\ntime.Sleep(10 * time.Millisecond)\nfmt.Println(\"ran\")", out); r.Err != nil {
		t.Fatal(r.Err)
	}
	text := out.text("stdout")
	m := regexp.MustCompile(`^(ran\n){6}([\d.]+) ms ± .* per loop \(mean ± std\. dev\. of 2 runs, 3 loops each\)\n$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("output %q", text)
	}
	if ms, _ := strconv.ParseFloat(m[2], 64); ms < 9 {
		t.Errorf("a 10 ms sleep timed at %v ms", ms)
	}
}

// TestInterpretedModulesInSequential: modules declared in cells go into
// nn.NewSequential next to the package's layers, their parameters are found
// and trained, as for a PyTorch nn.Module subclass.
func TestInterpretedModulesInSequential(t *testing.T) {
	e := newNotebookEngine(t)
	for _, c := range []struct{ code, result string }{
		{"type Affine struct{ W *tensor.Tensor }\nfunc (a *Affine) Forward(x *tensor.Tensor) *tensor.Tensor { return x.Mul(a.W) }\n" +
			"type Scale struct{ K float32 }\nfunc (s Scale) Forward(x *tensor.Tensor) *tensor.Tensor { return x.Mul(s.K) }\n" +
			"m := nn.NewSequential(&Affine{tensor.Ones(3).RequiresGrad_()}, nn.ReLU{}, Scale{2})\nlen(nn.Parameters(m))", "1"},
		{"m.Forward(tensor.Ones(2, 3)).Sum().Backward()\nm.Layers[0].(*Affine).W.Grad()", "tensor([4., 4., 4.])"},
	} {
		r := execute(e, c.code, nil)
		if r.Err != nil || resultText(r) != c.result {
			t.Errorf("%q: %q %v, want %q", c.code, resultText(r), r.Err, c.result)
		}
	}
}

package interp

import (
	"fmt"
	"reflect"

	yaegi "github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"gonote/display"
	"gonote/tensor/nn"
)

// Values of types declared in cells reach compiled code without their
// methods, except where a compiled function is listed in yaegi's MapTypes:
// yaegi then wraps such an argument in the first listed interface that its
// type implements. These lists let fmt print a cell's error type through its
// Error method, display show a cell's type through its MIMEBundle, and
// nn.NewSequential take a cell's module.

func init() {
	// yaegi lists fmt.Formatter and fmt.Stringer for fmt's and log's print
	// functions, but not error, which fmt checks before Stringer. The lists
	// belong to yaegi's stdlib table, which every session binds.
	formatter := reflect.TypeFor[fmt.Formatter]()
	for fn, types := range stdlib.MapTypes {
		if len(types) == 2 && types[0] == formatter && types[1] == reflect.TypeFor[fmt.Stringer]() {
			stdlib.MapTypes[fn] = []reflect.Type{formatter, reflect.TypeFor[error](), types[1]}
		}
	}
}

// boundMapTypes lists display's functions that take any value to show,
// with the interfaces display renders (a value that has several formats is
// wrapped in the first: Renderer, MIMEBundle, before the single formats),
// and nn.NewSequential, whose variadic ...Module yaegi passes unwrapped.
// Methods are not listed: yaegi looks calls up by function value, so
// (*display.Handle).Update gets a cell's type without its methods.
func boundMapTypes() yaegi.Exports {
	renderer := []reflect.Type{
		reflect.TypeFor[display.Renderer](),
		reflect.TypeFor[display.HTMLRenderer](),
		reflect.TypeFor[display.MarkdownRenderer](),
		reflect.TypeFor[display.LatexRenderer](),
		reflect.TypeFor[display.SVGRenderer](),
		reflect.TypeFor[display.PNGRenderer](),
		reflect.TypeFor[display.JPEGRenderer](),
		reflect.TypeFor[display.JSONRenderer](),
	}
	return yaegi.Exports{".": {"MapTypes": reflect.ValueOf(map[reflect.Value][]reflect.Type{
		reflect.ValueOf(display.Show):     renderer,
		reflect.ValueOf(display.Bundle):   renderer,
		reflect.ValueOf(display.New):      renderer,
		reflect.ValueOf(nn.NewSequential): {reflect.TypeFor[nn.Module]()},
	})}}
}

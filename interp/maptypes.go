package interp

import (
	"fmt"
	"reflect"

	yaegi "github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"gonote/display"
)

// Values of types declared in cells reach compiled code without their
// methods, except where a compiled function is listed in yaegi's MapTypes:
// yaegi then wraps such an argument in the first listed interface that its
// type implements. These lists let fmt print a cell's error type through its
// Error method, and display show a cell's type through its MIMEBundle.

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

// displayMapTypes lists display's functions that take any value to show.
// Methods are not listed: yaegi looks calls up by function value, so
// (*display.Handle).Update gets a cell's type without its methods.
func displayMapTypes() yaegi.Exports {
	renderer := []reflect.Type{reflect.TypeFor[display.Renderer]()}
	return yaegi.Exports{".": {"MapTypes": reflect.ValueOf(map[reflect.Value][]reflect.Type{
		reflect.ValueOf(display.Show):   renderer,
		reflect.ValueOf(display.Bundle): renderer,
		reflect.ValueOf(display.New):    renderer,
	})}}
}

"""Jupyter messaging conformance of gonote, checked by jupyter_kernel_test.

Every one of KernelTests' twelve tests is enabled by the sample attributes below
(each test skips itself when its attribute is empty). Run with unittest, not pytest:
pytest skips the history sub-tests.

    GONOTE_BIN=bin/gonote /usr/bin/python3 -m unittest tests/test_conformance.py -v
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (sets up the private kernelspec before jupyter_kernel_test starts kernels)
import jupyter_kernel_test  # noqa: E402


class GonoteConformance(jupyter_kernel_test.KernelTests):
    kernel_name = harness.KERNEL_NAME

    # test_kernel_info
    language_name = "go"
    file_extension = ".go"

    # test_execute_stdout
    code_hello_world = 'fmt.Println("hello, world")'

    # test_execute_stderr
    code_stderr = 'fmt.Fprintln(os.Stderr, "oops")'

    # test_completion compares the *set* of matches for equality, so each prefix
    # must have exactly one completion ("strings.ToUp" would also match ToUpperSpecial).
    completion_samples = [
        {"text": "strings.TrimPref", "matches": {"strings.TrimPrefix"}},
        {"text": "fmt.Sprintl", "matches": {"fmt.Sprintln"}},
    ]

    # test_is_complete. Invalid samples can never become valid by appending lines.
    complete_code_samples = ["x := 1", "fmt.Println(1)", "func f() int { return 1 }"]
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {", "x := []int{1,"]
    invalid_code_samples = ["x := )", "func ) {", "}"]

    # test_pager: %help answers with exactly one "page" payload holding text/plain.
    code_page_something = "%help"

    # test_error: a failing cell replies status error and publishes exactly one error.
    code_generate_error = 'panic("boom")'

    # test_execute_result (and test_history, which re-runs these cells).
    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": '"go" + "pher"', "result": '"gopher"'},
    ]

    # test_display_data
    code_display_data = [
        {"code": 'display.Show(display.HTML("<b>gonote</b>"))', "mime": "text/html"},
    ]

    # test_history: the glob must match one code_execute_result cell ("6*7").
    code_history_pattern = "6*?"
    supported_history_operations = ("tail", "range", "search")

    # test_inspect
    code_inspect_sample = "strings.ToUpper"

    # test_clear_output
    code_clear_output = "display.Clear(false)"


if __name__ == "__main__":
    unittest.main()

// Opens a notebook in Debian's Chromium through a running Jupyter notebook server,
// runs all cells with the gonote kernel, saves a screenshot and prints what the
// page rendered as JSON (tests/test_browser.py makes the assertions).
//
//   node check.mjs http://127.0.0.1:PORT notebook.ipynb screenshot.png
import { openNotebook } from "./session.mjs";

const [base, notebook, screenshot] = process.argv.slice(2);
const { page, pageErrors: consoleErrors, close } = await openNotebook(base, notebook);
try {
  await page.evaluate(() => Jupyter.notebook.execute_all_cells());
  // Done when every code cell shows an execution count and the kernel is idle.
  await page.waitForFunction(() => {
    const cells = Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code");
    return cells.every((c) => typeof c.input_prompt_number === "number") &&
      document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
  }, null, { timeout: 60000 });
  await page.screenshot({ path: screenshot, fullPage: true });
  const report = await page.evaluate(() => ({
    codeCells: Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code").length,
    tableCells: document.querySelectorAll(".output_area td").length,
    images: [...document.querySelectorAll(".output_area img")].map((i) => ({
      naturalWidth: i.naturalWidth, width: i.getBoundingClientRect().width, height: i.getBoundingClientRect().height,
    })),
    progressBars: [...document.querySelectorAll(".output_area progress")].map((p) => p.value),
    errors: [...document.querySelectorAll(".output_error, .output_stderr")].map((e) => e.innerText),
  }));
  report.pageErrors = consoleErrors;
  console.log(JSON.stringify(report));
} finally {
  await close();
}

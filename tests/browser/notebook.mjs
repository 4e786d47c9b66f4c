// Opens a notebook in Debian's Chromium through a running Jupyter notebook server,
// runs all its cells with the gonote kernel, saves a full-page screenshot and
// prints what each code cell rendered as JSON: its images (decoded and laid-out
// sizes), its output text and its errors. tests/test_browser.py makes the
// assertions. check.mjs does the same for the rich-output notebook's counts.
//
//   node notebook.mjs http://127.0.0.1:PORT notebook.ipynb screenshot.png [timeout-ms]
import { openNotebook } from "./session.mjs";

const [base, notebook, screenshot, timeout = "120000"] = process.argv.slice(2);
const { page, pageErrors, close } = await openNotebook(base, notebook);
try {
  // Start from a clean page: the outputs committed with the notebook are not what we test.
  await page.evaluate(() => {
    Jupyter.notebook.clear_all_output();
    Jupyter.notebook.execute_all_cells();
  });
  // Done when every code cell shows an execution count and the kernel is idle.
  await page.waitForFunction(() => {
    const cells = Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code");
    return cells.every((c) => typeof c.input_prompt_number === "number") &&
      document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
  }, null, { timeout: Number(timeout) });
  // Let the last images decode and lay out before measuring and capturing them.
  await page.waitForFunction(() => [...document.querySelectorAll(".output_area img")].every((i) => i.complete),
    null, { timeout: 10000 });
  // The notebook scrolls inside #site: let the page grow so that the screenshot holds
  // every cell, not only the viewport's.
  await page.evaluate(() => {
    for (const e of [document.documentElement, document.body, document.getElementById("site")]) {
      e.style.height = "auto";
      e.style.overflow = "visible";
      e.style.position = "static";
    }
  });
  await page.screenshot({ path: screenshot, fullPage: true });
  const report = await page.evaluate(() => ({
    cells: Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code").map((c) => {
      const out = c.element[0].querySelector(".output");
      return {
        source: c.get_text(),
        images: [...out.querySelectorAll(".output_area img")].map((i) => ({
          naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight,
          width: i.getBoundingClientRect().width, height: i.getBoundingClientRect().height,
        })),
        text: [...out.querySelectorAll(".output_text, .output_html")].map((e) => e.innerText).join("\n"),
        errors: [...out.querySelectorAll(".output_error, .output_stderr")].map((e) => e.innerText),
      };
    }),
  }));
  report.pageErrors = pageErrors;
  console.log(JSON.stringify(report));
} finally {
  await close();
}

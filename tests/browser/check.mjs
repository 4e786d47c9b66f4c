// Opens a notebook in Debian's Chromium through a running Jupyter notebook server,
// runs all cells with the gonote kernel, saves a screenshot and prints what the
// page rendered as JSON (tests/test_browser.py makes the assertions).
//
//   node check.mjs http://127.0.0.1:PORT notebook.ipynb screenshot.png
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [base, notebook, screenshot] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), "gonote-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1200, height: 900 },
});
try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  const consoleErrors = [];
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(`${base}/notebooks/${notebook}`);
  await page.waitForFunction(
    () => window.Jupyter?.notebook?.kernel?.is_connected() && Jupyter.notebook.kernel.info_reply?.status === "ok",
    null, { timeout: 30000 });
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
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

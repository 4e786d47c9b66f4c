// Opens a notebook of a running Jupyter notebook server in Debian's headless
// Chromium (fresh profile, the flags the tests agree on) and waits until its
// kernel answers; the check scripts drive the page from there.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function openNotebook(base, notebook) {
  const profile = mkdtempSync(join(tmpdir(), "gonote-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1200, height: 900 },
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  const close = async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    await page.goto(`${base}/notebooks/${notebook}`);
    await page.waitForFunction(
      () => window.Jupyter?.notebook?.kernel?.is_connected() && Jupyter.notebook.kernel.info_reply?.status === "ok",
      null, { timeout: 30000 });
  } catch (e) {
    await close();
    throw e;
  }
  return { page, pageErrors, close };
}

import { test, expect, type Page } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { gotoHydrated, registerFreshUser } from "./helpers";

/** No serious or critical accessibility violation on the current page. */
async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).exclude("iframe").analyze();
  const severe = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(severe.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`), what).toEqual([]);
}

// Real papers from the shared corpus (scripts/test runs from the repository,
// whose sibling ../shared/corpus holds them; EVISTREAM_CORPUS_DIR overrides).
const corpus =
  [process.env.EVISTREAM_CORPUS_DIR, path.resolve(__dirname, "../../../shared/corpus"), "/work/shared/corpus"].find(
    (dir) => dir && fs.existsSync(path.join(dir, "papers", "MANIFEST.tsv")),
  ) ?? "(no corpus: set EVISTREAM_CORPUS_DIR)";
const paper = (name: string) => path.join(corpus, "papers", name);

/** Drops files on an element the way a browser does: a drop event whose
 *  DataTransfer holds File objects. */
async function dropFiles(page: Page, testId: string, files: string[]) {
  const payload = files.map((file) => ({
    name: path.basename(file),
    data: fs.readFileSync(file).toString("base64"),
  }));
  const dataTransfer = await page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.data), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name, { type: "application/pdf" }));
    }
    return transfer;
  }, payload);
  const zone = page.getByTestId(testId);
  await zone.dispatchEvent("dragover", { dataTransfer });
  await zone.dispatchEvent("drop", { dataTransfer });
}

test("drop three PDFs, see two ready and one failed, open one, and search to the right page", async ({ page }) => {
  test.setTimeout(120_000);
  await registerFreshUser(page);
  await gotoHydrated(page, "/projects");
  await page.getByLabel("Name").fill("Upload test");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
  const projectUrl = page.url();
  await expect(page.getByTestId("drop-zone")).toBeVisible();

  const files = ["robotreviewer_example.pdf", "cermine_test2.pdf", "pdfminer_aes-256.pdf"];
  await dropFiles(page, "drop-zone", files.map(paper));

  // One bar per file, each filling to the end.
  const uploads = page.getByTestId("upload-row");
  await expect(uploads).toHaveCount(3);
  for (const name of files) {
    const row = page.locator(`[data-testid="upload-row"][data-name="${name}"]`);
    await expect(row.locator("progress")).toHaveAttribute("value", "100");
    await expect(row.getByTestId("upload-state")).toHaveText("uploaded");
  }

  // Conversion runs in the background; the list updates by itself.
  const rowOf = (name: string) => page.locator(`[data-testid="document-row"][data-name="${name}"]`);
  await expect(rowOf("robotreviewer_example.pdf")).toHaveAttribute("data-status", "ready", { timeout: 60_000 });
  await expect(rowOf("cermine_test2.pdf")).toHaveAttribute("data-status", "ready", { timeout: 60_000 });
  const hostile = rowOf("pdfminer_aes-256.pdf");
  await expect(hostile).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
  await expect(hostile.getByTestId("failure-reason")).toContainText("password-protected");
  await expectAccessible(page, "project page with uploads and documents");

  // Its job, titled by the file, failed too, with the same reason.
  await gotoHydrated(page, "/jobs");
  const job = page.getByTestId("job-row").filter({ hasText: "pdfminer_aes-256.pdf" });
  await expect(job.getByTestId("job-status")).toHaveText("failed");
  await expect(job).toContainText("password-protected");
  await expect(job.getByRole("link", { name: "Upload test" })).toBeVisible();
  await gotoHydrated(page, projectUrl);

  // A document page: metadata, status, text by page.
  await rowOf("cermine_test2.pdf").getByRole("link").click();
  await expect(page.getByTestId("document-status")).toContainText("ready");
  await expect(page.locator("#page-1")).toBeVisible();
  await expect(page.getByRole("button", { name: "Download PDF" })).toBeVisible();
  await expectAccessible(page, "document page");
  await page.goBack();

  // Search a phrase (the Search tab has its own address) and land on its page.
  await gotoHydrated(page, `${projectUrl}/search`);
  await page.getByLabel("Search the documents").fill('"KineSoft software"');
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/search\?q=%22KineSoft(%20|\+)software%22$/);
  const hit = page.getByTestId("search-hit").first();
  await expect(hit).toContainText("page 4");
  await expect(hit.locator("mark").first()).toBeVisible();
  await hit.getByRole("link").click();
  await expect(page).toHaveURL(/#page-4$/);
  const target = page.locator("#page-4");
  await expect(target).toContainText("KineSoft");
  await expect(target).toBeInViewport();
});

test("a file that is not a PDF is refused at upload with its reason", async ({ page }) => {
  await registerFreshUser(page);
  await gotoHydrated(page, "/projects");
  await page.getByLabel("Name").fill("Refusal test");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
  await dropFiles(page, "drop-zone", [paper("hostile_random_bytes.pdf")]);
  const row = page.getByTestId("upload-row").first();
  await expect(row.getByTestId("upload-state")).toContainText("not a PDF");
  await expect(page.getByTestId("document-row")).toHaveCount(0);
});

test("an empty account is offered a demo project that converts and is searchable", async ({ page }) => {
  test.setTimeout(120_000);
  await registerFreshUser(page);
  await gotoHydrated(page, "/projects");
  await page.getByRole("button", { name: "Create a demo project" }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
  const projectUrl = page.url();
  const rows = page.getByTestId("document-row");
  await expect(rows).toHaveCount(3);
  for (const row of await rows.all()) {
    await expect(row).toHaveAttribute("data-status", "ready", { timeout: 60_000 });
  }
  await gotoHydrated(page, `${projectUrl}/search`);
  await page.getByLabel("Search the documents").fill('"wintertime calcidiol plateau"');
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("search-hit")).toHaveCount(1);
  await expect(page.getByTestId("search-hit")).toContainText("page 2");
  await expectAccessible(page, "project page with search results");
});

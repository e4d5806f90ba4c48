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

  // Keyboard focus shows on "Choose files…" (the hidden input's label).
  let focused = "";
  for (let presses = 0; presses < 100 && focused !== "upload-input"; presses++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => document.activeElement?.id ?? "");
  }
  expect(focused, "Tab reaches the file picker").toBe("upload-input");
  const chooser = page.locator('label[for="upload-input"]');
  await expect(chooser).toHaveText("Choose files…");
  expect(await chooser.evaluate((label) => getComputedStyle(label).outlineStyle)).toBe("solid");

  // While an upload is on its way (held here), its bar sits right beside its name.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/api\/projects\/[0-9a-f-]{36}\/documents\?name=/, async (route) => {
    await held;
    await route.continue();
  });
  const files = ["robotreviewer_example.pdf", "cermine_test2.pdf", "pdfminer_aes-256.pdf"];
  await dropFiles(page, "drop-zone", files.map(paper));
  await expect(page.getByTestId("upload-row")).toHaveCount(3);
  for (const name of files) {
    const uploading = page.locator(`[data-testid="upload-row"][data-name="${name}"]`);
    const bar = uploading.locator("progress");
    await expect(bar).toBeVisible();
    const nameBox = await uploading.locator(".upload-name").boundingBox();
    const barBox = await bar.boundingBox();
    expect(nameBox && barBox, "name and bar are laid out").toBeTruthy();
    if (nameBox && barBox) {
      expect(barBox.x, `${name}: the bar follows the name`).toBeGreaterThan(nameBox.x);
      expect(barBox.x - (nameBox.x + nameBox.width), `${name}: gap between name and bar`).toBeLessThanOrEqual(16);
      expect(Math.abs(barBox.y + barBox.height / 2 - (nameBox.y + nameBox.height / 2))).toBeLessThanOrEqual(8);
    }
  }
  release();

  // Finished uploads fold into one line; the table holds the files.
  await expect(page.getByTestId("upload-summary")).toHaveText(/2 ready · 1 failed/, { timeout: 90_000 });
  await expect(page.getByTestId("upload-row")).toHaveCount(0);

  // Conversion runs in the background; the list updates by itself.
  const rowOf = (name: string) => page.locator(`[data-testid="document-row"][data-name="${name}"]`);
  await expect(rowOf("robotreviewer_example.pdf")).toHaveAttribute("data-status", "ready", { timeout: 60_000 });
  await expect(rowOf("cermine_test2.pdf")).toHaveAttribute("data-status", "ready", { timeout: 60_000 });
  const hostile = rowOf("pdfminer_aes-256.pdf");
  await expect(hostile).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
  await expect(hostile.getByTestId("failure-reason")).toHaveText(
    "The file could not be read: it is password-protected (the PDF needs a password to open).",
  );
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
  // The text shows emphasis as emphasis: no markdown star is left in it.
  await expect(page.locator(".document-text")).not.toContainText("*");
  await expectAccessible(page, "document page");
  await page.goBack();

  // Search a phrase (the Search tab has its own address) and land on its page.
  await gotoHydrated(page, `${projectUrl}/search`);
  await page.getByLabel("Search the documents").fill('"KineSoft software"');
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/search\?q=%22KineSoft(%20|\+)software%22$/);
  await expect(page.getByTestId("search-count")).toHaveText(/^\d+ passages? in 1 document$/);
  await expect(page.getByTestId("search-group")).toHaveCount(1);
  const hit = page.getByTestId("search-hit").first();
  await expect(hit).toContainText("Page 4");
  await expect(hit.locator("mark").first()).toBeVisible();
  await hit.getByRole("link").click();
  await expect(page).toHaveURL(/\?passage=4:\d+-\d+#page-4$/);
  // The passage is marked on its page and scrolled into view.
  const passage = page.getByTestId("highlighted-passage");
  await expect(passage).toHaveCount(1);
  await expect(passage).toContainText("KineSoft");
  await expect(page.locator("#page-4").getByTestId("highlighted-passage")).toHaveCount(1);
  await expect(passage).toBeInViewport();
  await expectAccessible(page, "document page with a marked passage");

  // Words in several documents: one group per document, its title once, and the count.
  await gotoHydrated(page, `${projectUrl}/search?q=participants`);
  const count = page.getByTestId("search-count");
  await expect(count).toHaveText(/^\d+ passages in 2 documents/);
  const groups = page.getByTestId("search-group");
  await expect(groups).toHaveCount(2);
  const total = Number((await count.textContent())?.match(/^(\d+)/)?.[1]);
  expect(await page.getByTestId("search-hit").count()).toBeLessThanOrEqual(total);
  for (const group of await groups.all()) {
    await expect(group.getByRole("heading", { level: 3 })).toHaveCount(1);
    expect(await group.getByTestId("search-hit").count()).toBeGreaterThan(0);
  }

  // A query that cannot be parsed says what is wrong, not "no matches".
  await page.getByLabel("Search the documents").fill('"KineSoft software');
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("search-problem")).toContainText("is not closed");
  await expect(page.getByTestId("search-empty")).toHaveCount(0);
  await expect(page.getByTestId("search-hit")).toHaveCount(0);
});

test("a file that is not a PDF is refused at upload with its reason", async ({ page }) => {
  await registerFreshUser(page);
  await gotoHydrated(page, "/projects");
  await page.getByLabel("Name").fill("Refusal test");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
  await dropFiles(page, "drop-zone", [paper("hostile_random_bytes.pdf")]);
  const row = page.getByTestId("upload-row").first();
  await expect(row.getByTestId("upload-state")).toContainText("The file is not a PDF");
  await expect(page.getByTestId("upload-summary")).toHaveText(/1 refused/);
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
  await expect(page.getByTestId("search-hit")).toContainText("Page 2");
  await expect(page.getByTestId("search-count")).toHaveText("1 passage in 1 document");
  await expectAccessible(page, "project page with search results");
});

test("a failed document says why and offers to replace or delete it; a viewer only reads", async ({ browser }) => {
  test.setTimeout(150_000);
  const page = await (await browser.newContext()).newPage();
  await registerFreshUser(page);
  await gotoHydrated(page, "/projects");
  await page.getByLabel("Name").fill("Failure test");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
  const projectUrl = page.url();
  await dropFiles(page, "drop-zone", [paper("pdfminer_aes-256.pdf"), paper("pdfminer_rc4-40.pdf")]);
  const rowOf = (name: string) => page.locator(`[data-testid="document-row"][data-name="${name}"]`);
  for (const name of ["pdfminer_aes-256.pdf", "pdfminer_rc4-40.pdf"]) {
    await expect(rowOf(name)).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
  }
  await expect(page.getByTestId("upload-summary")).toHaveText(/2 failed/);

  // The page says what happened, names the file once, and offers what can be done.
  await rowOf("pdfminer_aes-256.pdf").getByRole("link").click();
  await page.waitForURL(/\/documents\/[0-9a-f-]{36}$/);
  const documentUrl = page.url();
  await gotoHydrated(page, documentUrl);
  const failure = page.getByTestId("document-failure");
  await expect(failure.getByTestId("failure-explanation")).toContainText(
    "The file could not be read: it is password-protected",
  );
  await expect(page.getByText("No text yet")).toHaveCount(0);
  await expect(page.getByText("pdfminer_aes-256.pdf", { exact: true })).toHaveCount(1);
  await expect(failure.getByText("Replace file…")).toBeVisible();
  await expect(failure.getByRole("button", { name: "Delete" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Convert again" })).toHaveCount(0);

  // At 375 px, light and dark: nothing scrolls sideways, axe stays clean.
  await page.setViewportSize({ width: 375, height: 740 });
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of [documentUrl, projectUrl, `${projectUrl}/search?q=password`]) {
      await gotoHydrated(page, path);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `horizontal overflow on ${path} (${scheme})`).toBeLessThanOrEqual(0);
      await expectAccessible(page, `${path} (${scheme})`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: "light" });

  // A viewer reads why, and is offered nothing to do; the server refuses too.
  const viewer = await (await browser.newContext()).newPage();
  const viewerEmail = await registerFreshUser(viewer);
  await gotoHydrated(page, `${projectUrl}/settings`);
  await page.getByLabel("Email address of a registered user").fill(viewerEmail);
  await page.getByLabel("Role").selectOption("viewer");
  await page.getByRole("button", { name: "Share" }).click();
  await expect(page.getByRole("list", { name: "Members" })).toContainText(viewerEmail);
  await gotoHydrated(viewer, documentUrl);
  await expect(viewer.getByTestId("failure-explanation")).toContainText("password-protected");
  await expect(viewer.getByText("Replace file…")).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: /^Delete/ })).toHaveCount(0);
  const documentId = documentUrl.split("/").pop();
  const forged = await viewer.request.post("/api/delete_document", { form: { id: documentId ?? "" } });
  expect(forged.status()).toBe(403);

  // Replace the file: the same document converts the new one.
  await gotoHydrated(page, documentUrl);
  await page.getByLabel("Replace file…").setInputFiles(paper("grobid_dehyphenisation1.pdf"));
  await expect(page.getByTestId("document-status")).toContainText("ready", { timeout: 60_000 });
  await expect(page).toHaveURL(documentUrl);
  await expect(page.locator("#page-1")).toBeVisible();
  await expect(page.getByTestId("document-failure")).toHaveCount(0);

  // Delete the other failed document: it leaves the list.
  await gotoHydrated(page, projectUrl);
  await rowOf("pdfminer_rc4-40.pdf").getByRole("link").click();
  await page.waitForURL(/\/documents\/[0-9a-f-]{36}$/);
  await gotoHydrated(page, page.url());
  await page.getByTestId("document-failure").getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Delete for good" }).click();
  await page.waitForURL(projectUrl);
  await expect(rowOf("pdfminer_rc4-40.pdf")).toHaveCount(0);
  await expect(rowOf("grobid_dehyphenisation1.pdf")).toHaveAttribute("data-status", "ready");
});

import { test, expect, type Page } from "@playwright/test";
import { gzipSync } from "node:zlib";
import { PASSWORD, freshEmail, gotoStatic, registerFreshUser, waitForHydration } from "./helpers";

// The browser's wasm is split (`cargo leptos build --split`, src/app/routes.rs):
// the shell (main module) plus chunks per group of pages, fetched when a page
// of the group is first opened. A group's own module is named after it
// (split_<group>_pages_….wasm); the code groups share is in chunk_….wasm.
//
// The pages a first visit lands on (a visitor's start page, sign-in,
// registration) are served without the app's wasm (`serves_without_wasm` in
// src/app/mod.rs): a hydrated Leptos 0.8 app with a router starts at about
// 211 KB gzipped before it has any page (`bench/wasm`), so issue #18's 250 KB
// for a first page could not be met with the wasm. The app's wasm loads on
// the first page after signing in.

// Issue #18: at most this much wasm, gzipped at level 9, on a first visit.
const FIRST_VISIT_BUDGET = 250_000;

// The first signed-in page (the projects, after registering): the main module
// and the start group (welcome, dashboard, projects). The workspace group
// (a project's tabs, documents, runs, jobs: most of the app's code) is no
// longer part of it: it is fetched two seconds later in the background
// (`preload_workspace_soon`). Measured 454,121 bytes in 35 files at stop
// 29 (501,438 at stop 28, with the main module holding every group's
// read-only data; 962,944 in 47 files at stop 27, when the projects were in
// the workspace group). Lower it when the build gets smaller, raise it only
// knowingly.
const FIRST_SIGNED_IN_BUDGET = 470_000;

// The main module alone (the shell every page loads, evistream.<hash>.wasm):
// 282,318 bytes at stop 29. The splitter re-lays out the read-only data per
// group and, when that layout comes out longer than the linker's, gives up
// and leaves all of it in the main module: about 60 KB gzipped more on every
// page (stop 28 shipped that). `SPLIT_DATA_ROOM` in src/lib.rs gives it room;
// this budget says when the room has run out.
const MAIN_MODULE_BUDGET = 300_000;

type Fetched = { url: string; raw: number; gzip: number };

/** Records the .wasm files the page fetches from now on, each once, with
 *  their gzip -9 sizes. */
function recordWasm(page: Page): () => Promise<Fetched[]> {
  const fetched = new Map<string, Promise<Fetched>>();
  page.on("response", (response) => {
    const url = response.url();
    if (new URL(url).pathname.endsWith(".wasm") && response.ok() && !fetched.has(url)) {
      fetched.set(
        url,
        response.body().then((body) => ({ url, raw: body.length, gzip: gzipSync(body, { level: 9 }).length })),
      );
    }
  });
  return () => Promise.all(fetched.values());
}

/** The page groups whose own modules were fetched. */
function groupsOf(files: Fetched[]): string[] {
  return files.flatMap((file) => /\/split_(\w+?)_pages_/.exec(file.url)?.[1] ?? []).sort();
}

function report(what: string, files: Fetched[]): number {
  const gzip = files.reduce((sum, file) => sum + file.gzip, 0);
  const raw = files.reduce((sum, file) => sum + file.raw, 0);
  console.log(`${what}: ${files.length} wasm files, ${raw} bytes raw, ${gzip} bytes gzip -9`);
  return gzip;
}

for (const path of ["/", "/signin", "/register"]) {
  test(`a first visit to ${path} loads no wasm and works`, async ({ page }) => {
    const wasm = recordWasm(page);
    await gotoStatic(page, path);
    await page.waitForLoadState("networkidle");
    const files = await wasm();
    expect(report(`first visit to ${path}`, files)).toBeLessThanOrEqual(FIRST_VISIT_BUDGET);
    expect(files).toEqual([]);
  });
}

test("the first signed-in page loads the shell and its group's wasm, within budget", async ({ page }) => {
  await gotoStatic(page, "/register");
  const wasm = recordWasm(page);
  const email = freshEmail();
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password (8 to 128 characters)").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/projects$/);
  await waitForHydration(page);
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
  // What the page needed to work, before the background preload starts.
  const files = await wasm();
  expect(groupsOf(files)).toEqual(["start"]);
  const main = files.filter((file) => /\/evistream\.[^/]*\.wasm$/.test(new URL(file.url).pathname));
  expect(main).toHaveLength(1);
  expect(report("main module", main)).toBeLessThanOrEqual(MAIN_MODULE_BUDGET);
  expect(report("first signed-in page (/projects)", files)).toBeLessThanOrEqual(FIRST_SIGNED_IN_BUDGET);
  // Then the workspace's code arrives while the user reads the page...
  await expect.poll(async () => groupsOf(await wasm()), { timeout: 15_000 }).toEqual(["start", "workspace"]);
  const all = await wasm();
  report("first signed-in page and the workspace preloaded after it", all);
  // ...so opening a project fetches no more wasm.
  const more = recordWasm(page);
  await page.getByLabel("Name", { exact: true }).fill("Preloaded");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: "Preloaded" })).toBeVisible();
  expect(await more()).toEqual([]);
});

test("a page of another group, opened by a link, loads its chunks and works", async ({ page }) => {
  await registerFreshUser(page);
  const wasm = recordWasm(page);
  // Set on this document: still there after the click means the router
  // navigated in the browser, with no new page load.
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Settings");
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  expect(groupsOf(await wasm())).toEqual(["administration"]);
  // The lazily loaded page works: its theme choice applies at once.
  await page.getByRole("radio", { name: "Dark" }).check();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
});

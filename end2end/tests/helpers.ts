import { expect, type Page } from "@playwright/test";

/** Waits until the page has hydrated: the wasm module has attached its event handlers.
 *  Leptos marks nothing on hydration, so we watch for the wasm request to have
 *  completed and then for the page to be idle. */
export async function gotoHydrated(page: Page, path: string) {
  const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm") && r.ok());
  await page.goto(path);
  await wasm;
  await page.waitForLoadState("networkidle");
}

/** Clicks until `check` passes: a click that lands before hydration does nothing. */
export async function clickUntil(page: Page, click: () => Promise<void>, check: () => Promise<void>) {
  await expect(async () => {
    await click();
    await check();
  }).toPass({ timeout: 15_000 });
}

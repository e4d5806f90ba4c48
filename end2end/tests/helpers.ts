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

export const PASSWORD = "a long enough password";

/** A fresh random account, registered through the page; the page is signed in afterwards. */
export async function registerFreshUser(page: Page): Promise<string> {
  const email = `user-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.org`;
  await gotoHydrated(page, "/register");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password (8 to 128 characters)").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
  return email;
}

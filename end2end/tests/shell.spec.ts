import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { clickUntil, gotoHydrated, gotoStatic, registerFreshUser } from "./helpers";

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the home page is rendered on the server", async ({ page }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("verified data set");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Projects" })).toBeVisible();
    // The status card was resolved on the server, not left as a skeleton.
    await expect(page.getByTestId("database-status")).toHaveText("reachable");
  });
});

test("the page hydrates and a button calls a server function", async ({ page }) => {
  // A visitor's start page loads no wasm; a signed-in one's does.
  await registerFreshUser(page);
  await gotoHydrated(page, "/");
  const firstCheck = await page.getByTestId("checked-at").textContent();
  const button = page.getByRole("button", { name: "Check server status" });
  await clickUntil(
    page,
    () => button.click(),
    () => expect(page.getByTestId("check-count")).not.toHaveText(""),
  );
  // The answer came from the server: a database verdict and a fresh timestamp.
  await expect(page.getByTestId("database-status")).toHaveText("reachable");
  await expect(page.getByRole("status").filter({ hasText: "The server and its database answer." })).toBeVisible();
  expect(await page.getByTestId("checked-at").textContent()).not.toBeNull();
  expect(firstCheck).not.toBeNull();
});

test("the theme toggle persists across a reload, with and without the app's wasm", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  // The visitor's start page: no wasm, public/static_page.js drives the button.
  await gotoStatic(page, "/");
  const html = page.locator("html");
  await expect(html).not.toHaveAttribute("data-theme", /.+/);
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  const toggle = page.getByRole("button", { name: "Switch between light and dark theme" });
  await clickUntil(
    page,
    () => toggle.click(),
    () => expect(html).toHaveAttribute("data-theme", "dark"),
  );
  const darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(darkBackground).not.toBe(background);

  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "dark");
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(darkBackground);

  // A hydrated page (src/ui/theme.rs) reads the same choice and changes it.
  await registerFreshUser(page);
  await expect(html).toHaveAttribute("data-theme", "dark");
  await clickUntil(
    page,
    () => toggle.click(),
    () => expect(html).toHaveAttribute("data-theme", "light"),
  );
  await gotoStatic(page, "/signin");
  await expect(html).toHaveAttribute("data-theme", "light");
});

test("the theme follows the system until a choice is made", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/");
  const darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: "light" });
  const lightBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(darkBackground).not.toBe(lightBackground);
});

test("an unknown address shows the 404 page", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to the start page" })).toBeVisible();
});

test("at 375 px wide nothing scrolls sideways and the menu folds", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  // Two pages without wasm (public/static_page.js folds the menu) and one with.
  for (const path of ["/", "/signin", "/no/such/page"]) {
    if (path === "/no/such/page") await gotoHydrated(page, path);
    else await gotoStatic(page, path);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `horizontal overflow on ${path}`).toBeLessThanOrEqual(0);
    const settings = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" });
    await expect(settings).toBeHidden();
    const menu = page.getByRole("button", { name: "Menu" });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await expect(settings).toBeInViewport();
  }
});

test("signed in: a dashboard, project tabs with their own addresses, readable on a phone", async ({ page }) => {
  test.setTimeout(120_000);
  await registerFreshUser(page);
  await gotoHydrated(page, "/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your work");
  await expect(page.getByTestId("next-step")).toContainText("create a project");

  await gotoHydrated(page, "/projects");
  await page.getByRole("button", { name: "Create a demo project" }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
  const projectUrl = page.url();
  await expect(page).toHaveTitle(/^Documents · Demo: three trial reports · eviStream$/);
  await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText("Projects");
  await expect(page.getByTestId("next-step")).toContainText("Define an extraction form");

  // Tabs navigate by address, and the back button returns.
  const tabs = page.getByRole("navigation", { name: "Project sections" });
  await tabs.getByRole("link", { name: "Forms" }).click();
  await expect(page).toHaveURL(`${projectUrl}/forms`);
  await expect(page.getByLabel("Name of the new form")).toBeVisible();
  await tabs.getByRole("link", { name: "Members & settings" }).click();
  await expect(page).toHaveURL(`${projectUrl}/settings`);
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(`${projectUrl}/forms`);
  await expect(tabs.getByRole("link", { name: "Forms" })).toHaveAttribute("aria-current", "page");

  // On a phone, in light and dark: no page of the journey scrolls sideways.
  await page.setViewportSize({ width: 375, height: 740 });
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of ["/", "/projects", projectUrl, `${projectUrl}/forms`, `${projectUrl}/runs`,
      `${projectUrl}/search`, `${projectUrl}/activity`, `${projectUrl}/settings`, "/jobs", "/settings"]) {
      await gotoHydrated(page, path);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `horizontal overflow on ${path} (${scheme})`).toBeLessThanOrEqual(0);
      const results = await new AxeBuilder({ page }).analyze();
      const severe = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(severe.map((v) => `${v.id}: ${v.help}`), `${path} (${scheme})`).toEqual([]);
    }
  }
});

test("the pages of a first visit have no serious or critical accessibility violation", async ({ page }) => {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of ["/", "/signin", "/register"]) {
      await gotoStatic(page, path);
      const results = await new AxeBuilder({ page }).analyze();
      const severe = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(severe.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`), `${path}, ${scheme} theme`).toEqual([]);
    }
  }
});

test("operator endpoints answer", async ({ request }) => {
  const health = await request.get("/healthz");
  expect(health.status()).toBe(200);
  expect(health.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  const ready = await request.get("/readyz");
  expect(ready.status()).toBe(200);
  expect((await ready.json()).status).toBe("ready");
  const metrics = await request.get("/metrics");
  expect(await metrics.text()).toContain("http_requests_total");
});

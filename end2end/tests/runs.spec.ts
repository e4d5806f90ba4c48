import { test, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { gotoHydrated, registerFreshUser } from "./helpers";

async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const severe = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(severe.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`), what).toEqual([]);
}

test("on the demo project, run a preset with the offline extractor and open a value's quote; a viewer cannot run", async ({ browser }) => {
  test.setTimeout(150_000);
  const page = await (await browser.newContext()).newPage();
  await registerFreshUser(page);
  await gotoHydrated(page, "/projects");
  await page.getByRole("button", { name: "Create a demo project" }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
  const projectUrl = page.url();
  const rows = page.getByTestId("document-row");
  await expect(rows.first()).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('[data-testid="document-row"]:not([data-status="ready"])')).toHaveCount(0, {
    timeout: 90_000,
  });

  // A form from a preset, its plan activated.
  await gotoHydrated(page, `${projectUrl}/forms`);
  await page.getByLabel("Name of the new form").fill("Study basics");
  await page.getByLabel("Start from").selectOption("study_characteristics");
  await page.getByRole("button", { name: "Create form" }).click();
  await page.waitForURL(/\/forms\/[0-9a-f-]{36}$/);
  await gotoHydrated(page, page.url());
  await expect(page.getByTestId("plan-status")).toHaveText("Plan awaiting review", { timeout: 20_000 });
  await page.getByRole("button", { name: "Activate plan" }).click();
  await expect(page.getByTestId("plan-status")).toHaveText("Active");

  // Start the run from the project page; the run page follows it live.
  await gotoHydrated(page, `${projectUrl}/runs`);
  await page.getByLabel("Extractor").selectOption("offline");
  await page.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const runUrl = page.url();
  await expect(page.getByTestId("run-progress")).toContainText(/of \d+ steps/);
  // No reload: the stream brings the end of the run.
  await expect(page.getByTestId("run-status")).toHaveText("Finished", { timeout: 60_000 });
  await expect(page.getByTestId("run-progress")).toContainText(/(\d+) of \1 steps/);
  const counts = page.getByTestId("run-counts");
  await expect(counts).toContainText("Verified");
  const verified = Number(await counts.locator("div", { hasText: "Verified" }).locator("dd").innerText());
  expect(verified).toBeGreaterThan(0);

  // A value's quote, with its page.
  const values = page.getByRole("table", { name: "Extracted values" });
  const verifiedRow = values.getByRole("row").filter({ hasText: "verified" }).first();
  await verifiedRow.getByText(/^Quote, page \d+$/).click();
  await expect(verifiedRow.locator("blockquote")).toBeVisible();
  expect((await verifiedRow.locator("blockquote").innerText()).length).toBeGreaterThan(10);
  await expectAccessible(page, "run page");

  // On a phone, in the dark theme: nothing scrolls sideways and axe stays clean.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize({ width: 375, height: 800 });
  for (const url of [runUrl, projectUrl]) {
    await gotoHydrated(page, url);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${url} at 375 px`).toBeLessThanOrEqual(375);
    await expectAccessible(page, `${url} at 375 px, dark`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: "light" });

  // A viewer sees the run but cannot start or cancel one.
  const viewer = await (await browser.newContext()).newPage();
  const viewerEmail = await registerFreshUser(viewer);
  await gotoHydrated(page, `${projectUrl}/settings`);
  await page.getByLabel("Email address of a registered user").fill(viewerEmail);
  await page.getByLabel("Role").selectOption("viewer");
  await page.getByRole("button", { name: "Share" }).click();
  await expect(page.getByRole("list", { name: "Members" })).toContainText(viewerEmail);
  await gotoHydrated(viewer, `${projectUrl}/runs`);
  await expect(viewer.getByRole("list", { name: "Runs" })).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Start run" })).toHaveCount(0);
  await gotoHydrated(viewer, runUrl);
  await expect(viewer.getByTestId("run-status")).toHaveText("Finished");
  await expect(viewer.getByRole("button", { name: "Retry failed steps" })).toHaveCount(0);
  const forged = await viewer.request.post("/api/start_run", {
    form: {
      project_id: projectUrl.split("/").pop()!,
      form_version_id: "00000000-0000-0000-0000-000000000000",
      extractor: "offline",
      document_ids: "",
      seeds_csv: "",
    },
  });
  expect(forged.status()).toBe(403);
});

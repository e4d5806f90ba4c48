import { test, expect, type Locator } from "@playwright/test";
import { clickUntil, gotoHydrated, registerFreshUser } from "./helpers";

// These tests start jobs that show up in the shared list; run them one by one.
test.describe.configure({ mode: "serial" });

async function progressOf(row: Locator): Promise<number> {
  return Number(await row.getByTestId("job-progress").getAttribute("aria-valuenow"));
}

test("a job's progress moves live, survives a reload, and the job can be cancelled", async ({ page }) => {
  await registerFreshUser(page);
  await gotoHydrated(page, "/jobs");
  await expect(page.getByTestId("live-state")).toHaveText("live");

  const rows = page.getByTestId("job-row");
  const before = await rows.count();
  await clickUntil(
    page,
    () => page.getByRole("button", { name: "Run a diagnostic job" }).click(),
    () => expect(rows).toHaveCount(before + 1, { timeout: 3_000 }),
  );
  const newest = rows.first();
  const id = await newest.getAttribute("data-job-id");
  expect(id).toBeTruthy();
  const row = page.locator(`[data-job-id="${id}"]`);

  // The bar moves without a reload: pushed over server-sent events.
  await expect(row.getByTestId("job-status")).toHaveText("running");
  await expect.poll(() => progressOf(row)).toBeGreaterThan(0);
  const first = await progressOf(row);
  await expect.poll(() => progressOf(row)).toBeGreaterThan(first);

  // After a reload the bar shows the current state and keeps moving.
  const beforeReload = await progressOf(row);
  await page.reload();
  await page.waitForLoadState("networkidle");
  await expect(page.getByTestId("live-state")).toHaveText("live");
  expect(await progressOf(row)).toBeGreaterThanOrEqual(beforeReload);
  const afterReload = await progressOf(row);
  await expect.poll(() => progressOf(row)).toBeGreaterThan(afterReload);

  // Cancel: the job stops at its next step and keeps what it finished.
  await row.getByRole("button", { name: "Cancel Diagnostic job" }).click();
  await expect(row.getByTestId("job-status")).toHaveText("cancelled");
  const kept = await progressOf(row);
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(100);
  await expect(row.getByRole("button", { name: "Retry Diagnostic job" })).toBeVisible();

  // The detail page has the log of steps.
  await row.getByRole("link", { name: "Diagnostic job" }).click();
  await expect(page.getByRole("heading", { name: "Diagnostic job" })).toBeVisible();
  await expect(page.getByText("cancellation requested")).toBeVisible();
  await expect(page.getByText(/cancelled after attempt 1/)).toBeVisible();
});

test("an unknown job id shows a not-found message", async ({ page }) => {
  await registerFreshUser(page);
  await page.goto("/jobs/00000000-0000-0000-0000-000000000000");
  await expect(page.getByRole("alert")).toContainText("job not found");
});

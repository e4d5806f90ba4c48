import { test, expect } from "@playwright/test";
import { PASSWORD, gotoHydrated, registerFreshUser } from "./helpers";

test("register, sign out, sign in again", async ({ page }) => {
  const email = await registerFreshUser(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveCount(0);

  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "not correct" })).toBeVisible();

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);

  // The session survives a reload (cookie, server-side session).
  await page.reload();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
});

test("the jobs of one user are not shown to another", async ({ browser }) => {
  const first = await browser.newPage();
  await registerFreshUser(first);
  await gotoHydrated(first, "/jobs");
  await first.getByRole("button", { name: "Run a diagnostic job" }).click();
  await expect(first.getByTestId("job-row").first()).toBeVisible();
  const id = await first.getByTestId("job-row").first().getAttribute("data-job-id");

  const second = await browser.newPage();
  await registerFreshUser(second);
  const response = await second.goto(`/jobs/${id}`);
  // Not "forbidden": the job's existence is not revealed.
  expect(response?.status()).toBe(404);
  await expect(second.getByRole("alert")).toContainText("job not found");
  await gotoHydrated(second, "/jobs");
  await expect(second.locator(`[data-job-id="${id}"]`)).toHaveCount(0);
});

test("the jobs page asks anonymous visitors to sign in", async ({ page }) => {
  await page.goto("/jobs");
  await expect(page.getByRole("alert")).toContainText("please sign in first");
});

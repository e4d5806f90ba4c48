import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { gotoHydrated, registerFreshUser } from "./helpers";

test("ask the demo project a question, open a passage at its page; nonsense is not found", async ({ browser }) => {
  test.setTimeout(120_000);
  const page = await (await browser.newContext()).newPage();
  await registerFreshUser(page);
  await gotoHydrated(page, "/projects");
  await page.getByRole("button", { name: "Create a demo project" }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
  const projectUrl = page.url();
  await expect(page.locator('[data-testid="document-row"]:not([data-status="ready"])')).toHaveCount(0, {
    timeout: 90_000,
  });
  await expect(page.getByTestId("document-row")).toHaveCount(3);

  await gotoHydrated(page, `${projectUrl}/search`);
  await page.getByRole("link", { name: "Ask the documents a question →" }).click();
  await page.waitForURL(/\/ask$/);
  await gotoHydrated(page, page.url());
  await page.getByLabel("Question", { exact: true }).fill("How many participants were randomized?");
  await page.getByRole("button", { name: "Ask", exact: true }).click();
  const answer = page.getByTestId("answer").first();
  await expect(answer.locator(".passage").first()).toBeVisible();
  // The vitamin D report's "612 participants were randomized" is among the first three.
  const firstThree = (await answer.locator(".passage").allInnerTexts()).slice(0, 3).join("\n");
  expect(firstThree).toContain("612");
  await expect(answer.locator(".passage mark").first()).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  const severe = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(severe.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  // The citation opens the document at its page.
  const link = answer.locator(".passage", { hasText: "612" }).first().getByRole("link");
  const target = await link.getAttribute("href");
  expect(target).toMatch(/\/documents\/[0-9a-f-]{36}#page-\d+$/);
  await link.click();
  await page.waitForURL(/#page-\d+$/);
  const pageId = target!.split("#")[1];
  await expect(page.locator(`#${pageId}`)).toContainText("612");

  // Nonsense is "not found", and every question is kept.
  await gotoHydrated(page, `${projectUrl}/ask`);
  await page.getByLabel("Question", { exact: true }).fill("zebra xylophone quasar");
  await page.getByRole("button", { name: "Ask", exact: true }).click();
  await expect(page.getByTestId("not-found").first()).toHaveText("Not found in these documents.");
  await expect(page.getByRole("list", { name: "Questions asked" }).locator(":scope > li")).toHaveCount(2);
});

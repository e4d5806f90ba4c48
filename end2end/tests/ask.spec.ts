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

  // The citation opens the PDF at its page with the passage marked.
  const link = answer.locator(".passage", { hasText: "612" }).first().getByRole("link");
  const target = await link.getAttribute("href");
  expect(target).toMatch(/\/ask\/cite\?document=[0-9a-f-]{36}&page=\d+&quote=/);
  const citedPage = Number(new URL(target!, page.url()).searchParams.get("page"));
  await link.click();
  await page.waitForURL(/\/ask\/cite\?/);
  await expect(page.getByTestId("pdf-status")).toContainText("the passage is marked", { timeout: 30_000 });
  await expect(page.getByTestId("pdf-page")).toHaveText(new RegExp(`^Page ${citedPage} of \\d+$`));
  const marks = page.locator(".textLayer .evidence-mark");
  expect(await marks.count()).toBeGreaterThan(0);
  // The marked words are the passage's longest fragment (it may not be the one holding "612").
  expect((await marks.allInnerTexts()).join(" ").trim().length).toBeGreaterThan(10);

  // Nonsense is "not found", and every question is kept.
  await gotoHydrated(page, `${projectUrl}/ask`);
  await page.getByLabel("Question", { exact: true }).fill("zebra xylophone quasar");
  await page.getByRole("button", { name: "Ask", exact: true }).click();
  await expect(page.getByTestId("not-found").first()).toHaveText("Not found in these documents.");
  await expect(page.getByRole("list", { name: "Questions asked" }).locator(":scope > li")).toHaveCount(2);
});

test("usage and budgets: the page shows spending, and a spent budget warns on the project page", async ({ browser }) => {
  test.setTimeout(60_000);
  const page = await (await browser.newContext()).newPage();
  await registerFreshUser(page);
  await gotoHydrated(page, "/projects");
  await page.getByLabel("Name", { exact: true }).fill("Budgeted review");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
  const projectUrl = page.url();
  await expect(page.getByTestId("budget-warning")).toHaveCount(0);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" }).click();
  await page.waitForURL(/\/usage$/);
  await gotoHydrated(page, "/usage");
  await expect(page.getByRole("heading", { name: "Language model usage" })).toBeVisible();
  await expect(page.getByText("No language model requests in this period.")).toBeVisible();
  // A budget of $0: no language model use at all for this project.
  const budget = page.getByLabel("Monthly budget of Budgeted review");
  await budget.fill("0");
  await page.getByRole("row", { name: /Budgeted review/ }).getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: /Budgeted review/ })).toContainText("reached");
  const results = await new AxeBuilder({ page }).analyze();
  const severe = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(severe.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  await gotoHydrated(page, projectUrl);
  await expect(page.getByTestId("budget-warning")).toContainText("is reached");
});

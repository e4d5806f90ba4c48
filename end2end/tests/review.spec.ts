import { test, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { demoRun, gotoHydrated, registerFreshUser } from "./helpers";

async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const severe = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(severe.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`), what).toEqual([]);
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "");

test("review a real offline run beside the PDF: filter, open at the quote, correct by keyboard, accept a document; a viewer only reads", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const page = await (await browser.newContext()).newPage();
  const { projectUrl } = await demoRun(page, "study_characteristics");

  // The grid, filtered to what needs review.
  await page.getByRole("link", { name: "Review values" }).click();
  await page.waitForURL(/\/review$/);
  const reviewUrl = page.url();
  await gotoHydrated(page, reviewUrl);
  const grid = page.getByRole("grid", { name: "Values by document" });
  await expect(grid).toBeVisible();
  await page.getByTestId("grid-filter").selectOption("needs_review");
  await expect(grid.locator("td.needs-review").first()).toBeVisible();
  await expectAccessible(page, "review grid");

  // The SOLSTICE report's 612 randomised: open it, the PDF shows its page
  // with the quote marked in pdf.js's text layer.
  const cell = grid.locator('td[data-state="verified"]', { hasText: /^612/ });
  await expect(cell).toHaveCount(1);
  await cell.click();
  const pane = page.getByTestId("review-pane");
  await expect(pane.getByTestId("pane-value")).toHaveText(/612/);
  const note = await pane.getByTestId("evidence-note").innerText();
  const evidencePage = Number(/page (\d+)/.exec(note)![1]);
  await expect(pane.getByTestId("pdf-status")).toContainText("the passage is marked", { timeout: 30_000 });
  await expect(pane.getByTestId("pdf-page")).toHaveText(new RegExp(`^Page ${evidencePage} of \\d+$`));
  const marks = pane.locator(".textLayer .evidence-mark");
  expect(await marks.count()).toBeGreaterThan(0);
  const quote = squash(await pane.locator("blockquote.quote").innerText());
  const marked = squash((await marks.allInnerTexts()).join(" "));
  expect(marked.length).toBeGreaterThan(5);
  // The marked items hold the quote's text (items may run a little past it).
  expect(marked.includes(quote.slice(0, 20)) || quote.includes(marked.slice(0, 20))).toBeTruthy();
  expect(marked).toContain("612");
  await expectAccessible(page, "review pane");

  // Correct by keyboard: Escape closes the pane and returns to the cell, e edits.
  await page.keyboard.press("Escape");
  await expect(pane).toHaveCount(0);
  await expect(cell).toBeFocused();
  await page.keyboard.press("e");
  const input = page.getByTestId("value-input");
  await expect(input).toBeFocused();
  await input.fill("610");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("pane-value")).toHaveText(/610/);
  await expect(page.getByTestId("pane-state")).toHaveText("corrected");
  const history = page.getByTestId("history");
  await expect(history).toContainText("Corrected");
  await expect(history).toContainText(/612( participants)? → 610/);
  await expect(grid.locator('td[data-state="corrected"]', { hasText: /^610/ })).toHaveCount(1);

  // Accept every verified value of one document, after confirming the count.
  await page.getByTestId("grid-filter").selectOption("all");
  const acceptLink = grid.getByRole("button", { name: /^Accept \d+ verified…$/ }).first();
  const count = Number(/Accept (\d+)/.exec(await acceptLink.innerText())![1]);
  await acceptLink.click();
  await grid.getByRole("button", { name: "Accept them" }).click();
  await expect(page.getByText(`Accepted ${count} verified values.`)).toBeVisible();
  await expect(page.getByTestId("review-progress")).toContainText(new RegExp(`^${count + 1} of \\d+ values reviewed`));

  // A viewer reads the grid and the history, and cannot change anything.
  const viewer = await (await browser.newContext()).newPage();
  const viewerEmail = await registerFreshUser(viewer);
  await gotoHydrated(page, `${projectUrl}/settings`);
  await page.getByLabel("Email address of a registered user").fill(viewerEmail);
  await page.getByLabel("Role").selectOption("viewer");
  await page.getByRole("button", { name: "Share" }).click();
  await expect(page.getByRole("list", { name: "Members" })).toContainText(viewerEmail);
  await gotoHydrated(viewer, reviewUrl);
  const viewerGrid = viewer.getByRole("grid", { name: "Values by document" });
  await viewerGrid.locator('td[data-state="corrected"]', { hasText: /^610/ }).click();
  await expect(viewer.getByTestId("history")).toContainText(/612( participants)? → 610/);
  await expect(viewer.getByTestId("read-only")).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Accept", exact: true })).toHaveCount(0);
  await expect(viewerGrid.getByRole("button", { name: /^Accept \d+ verified…$/ })).toHaveCount(0);
  const forged = await viewer.request.post("/api/accept_verified", {
    form: { run_id: reviewUrl.split("/")[6], document_id: "00000000-0000-0000-0000-000000000000", expected: "1" },
  });
  expect(forged.status()).toBe(403);
});

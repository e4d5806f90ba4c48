import { test, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { gotoHydrated, registerFreshUser } from "./helpers";

async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const severe = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(severe.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`), what).toEqual([]);
}

async function newProject(page: Page, name: string): Promise<string> {
  await gotoHydrated(page, "/projects");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
  return page.url();
}

async function newForm(page: Page, projectUrl: string, name: string, preset: string) {
  await gotoHydrated(page, `${projectUrl}/forms`);
  await page.getByLabel("Name of the new form").fill(name);
  await page.getByLabel("Start from").selectOption(preset);
  await page.getByRole("button", { name: "Create form" }).click();
  await page.waitForURL(/\/forms\/[0-9a-f-]{36}$/);
  await page.waitForLoadState("networkidle");
}

test("build a form with a repeating sub-form by keyboard, generate its plan, edit an instruction, activate", async ({ page }) => {
  test.setTimeout(90_000);
  await registerFreshUser(page);
  const projectUrl = await newProject(page, `Forms ${Date.now()}`);
  await newForm(page, projectUrl, "Keyboard form", "");
  await gotoHydrated(page, page.url());

  // Nothing is valid yet: saving is not possible and the problem is shown.
  await expect(page.getByRole("button", { name: "Save form" })).toBeDisabled();
  await expect(page.getByText("1 problem to fix before saving")).toBeVisible();

  // A text field: Add field moves focus to the new field's label.
  await page.getByRole("button", { name: "Add field", exact: true }).focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("#field-0-label")).toBeFocused();
  await page.keyboard.type("Trial name");
  await expect(page.locator("#field-0-key")).toHaveValue("trial_name");

  // A repeating sub-form with one child field.
  await page.getByRole("button", { name: "Add field", exact: true }).focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("#field-1-label")).toBeFocused();
  await page.keyboard.type("Arms");
  await page.locator("#field-1-type").focus();
  await page.keyboard.type("Sub");
  await expect(page.locator("#field-1-type")).toHaveValue("subform");
  // An empty sub-form is a problem shown beside it.
  await expect(page.getByText("A sub-form needs at least one field")).toBeVisible();
  await page.getByRole("checkbox", { name: /Repeats/ }).focus();
  await page.keyboard.press("Space");
  await expect(page.getByRole("checkbox", { name: /Repeats/ })).toBeChecked();
  await page.getByRole("button", { name: "Add field to Arms" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("#field-1-0-label")).toBeFocused();
  await page.keyboard.type("Arm name");

  // Reorder by keyboard: the sub-form moves up, focus follows it.
  await page.locator("#field-1-move-up").focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("#field-0-key")).toHaveValue("arms");
  await expect(page.locator("#field-0-move-down")).toBeFocused();

  await expect(page.getByText("Unsaved changes")).toBeVisible();
  await expectAccessible(page, "form builder");
  // The builder on a phone, in the dark theme.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await expectAccessible(page, "form builder at 375 px, dark");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: "light" });
  await page.getByRole("button", { name: "Save form" }).focus();
  await page.keyboard.press("Enter");

  // The plan job runs in the background; the page picks up its result.
  await expect(page.getByTestId("plan-status")).toHaveText("Plan awaiting review", { timeout: 20_000 });
  const steps = page.getByRole("list", { name: "Plan steps" }).getByRole("listitem").filter({ has: page.locator("h3") });
  await expect(steps).toHaveCount(2);
  await expect(page.getByRole("list", { name: "Versions" })).toContainText("Version 1");

  // Edit one instruction, then activate.
  const instructions = page.getByLabel("Instructions").first();
  await instructions.fill("Read the arms from the CONSORT flow diagram and Table 1.");
  await page.getByRole("button", { name: "Save instructions" }).first().click();
  await expect(page.getByText("Instructions saved.")).toBeVisible();
  await expect(page.getByLabel("Instructions").first()).toHaveValue(
    "Read the arms from the CONSORT flow diagram and Table 1.",
  );
  await page.getByRole("button", { name: "Activate plan" }).click();
  await expect(page.getByTestId("plan-status")).toHaveText("Active");

  // The preview shows the form as a reviewer fills it in.
  await page.getByRole("tab", { name: "Preview" }).click();
  await expect(page.getByRole("group", { name: "Arms" })).toBeVisible();
  await expect(page.getByLabel("Trial name", { exact: true })).toBeVisible();
});

test("start from the RoB 2 preset; a viewer sees the form and cannot change it", async ({ browser }) => {
  test.setTimeout(90_000);
  const owner = await (await browser.newContext()).newPage();
  await registerFreshUser(owner);
  const projectUrl = await newProject(owner, `RoB ${Date.now()}`);
  await newForm(owner, projectUrl, "Risk of bias", "rob2");
  const formUrl = owner.url();
  await gotoHydrated(owner, formUrl);
  await expect(owner.getByTestId("plan-status")).toHaveText("Plan awaiting review", { timeout: 20_000 });
  await owner.getByRole("tab", { name: "Preview" }).click();
  await expect(owner.getByRole("group", { name: /Results assessed|results/i }).first()).toBeVisible();
  await expect(owner.getByText(/1\.1 /).first()).toBeVisible();
  await expect(owner.getByLabel(/Overall/).first()).toBeVisible();
  await expectAccessible(owner, "form preview");

  const viewer = await (await browser.newContext()).newPage();
  const viewerEmail = await registerFreshUser(viewer);
  await gotoHydrated(owner, `${projectUrl}/settings`);
  await owner.getByLabel("Email address of a registered user").fill(viewerEmail);
  await owner.getByLabel("Role").selectOption("viewer");
  await owner.getByRole("button", { name: "Share" }).click();
  await expect(owner.getByRole("list", { name: "Members" })).toContainText(viewerEmail);

  await gotoHydrated(viewer, formUrl);
  await expect(viewer.getByText("You can read this form but not change it.")).toBeVisible();
  await expect(viewer.getByRole("tab", { name: "Build" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Save form" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Activate plan" })).toHaveCount(0);
  await expect(viewer.getByRole("link", { name: "Export JSON" })).toBeVisible();
  // A forged save with the viewer's session is refused.
  const formId = formUrl.split("/").pop()!;
  const forged = await viewer.request.post("/api/save_form", { form: { id: formId, definition: "{}" } });
  expect(forged.status()).toBe(403);
});

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

test("a signed-out visit to a private page signs in first and comes back", async ({ page, browser }) => {
  // A project of a fresh account, opened later from a signed-out browser.
  const email = await registerFreshUser(page);
  await gotoHydrated(page, "/projects");
  await page.getByLabel("Name").fill("Come back here");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { name: "Come back here" })).toBeVisible();
  const projectPath = new URL(page.url()).pathname;

  const visitor = await browser.newPage();
  await visitor.goto(projectPath);
  await expect(visitor.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect(new URL(visitor.url()).searchParams.get("next")).toBe(projectPath);
  // The sign-in page loads no wasm: a plain form that goes on to `next`.
  await expect(visitor.locator("html")).toHaveAttribute("data-static", "true");
  // A wrong password comes back to the form with the reason, still bound for `next`.
  await visitor.getByLabel("Email address").fill(email);
  await visitor.getByLabel("Password").fill("not the password");
  await visitor.getByRole("button", { name: "Sign in" }).click();
  await expect(visitor.getByRole("alert").filter({ hasText: "not correct" })).toBeVisible();
  expect(new URL(visitor.url()).searchParams.get("next")).toBe(projectPath);
  await visitor.getByLabel("Email address").fill(email);
  await visitor.getByLabel("Password").fill(PASSWORD);
  await visitor.getByRole("button", { name: "Sign in" }).click();
  await expect(visitor.getByRole("heading", { name: "Come back here" })).toBeVisible();
  expect(new URL(visitor.url()).pathname).toBe(projectPath);

  // And the jobs page, signed out, is the sign-in page too.
  const anonymous = await browser.newPage();
  await anonymous.goto("/jobs");
  await expect(anonymous.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a project is private until shared, and a viewer gets it read-only", async ({ browser }) => {
  const owner = await browser.newPage();
  const ownerEmail = await registerFreshUser(owner);
  await owner.getByRole("button", { name: "Sign out" }).click();
  await expect(owner.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await owner.getByLabel("Email address").fill(ownerEmail);
  await owner.getByLabel("Password").fill(PASSWORD);
  await owner.getByRole("button", { name: "Sign in" }).click();
  await expect(owner.getByTestId("signed-in-as")).toHaveText(ownerEmail);

  await gotoHydrated(owner, "/projects");
  const name = `Trial review ${Date.now()}`;
  await owner.getByLabel("Name").fill(name);
  await owner.getByLabel("Description").fill("Statins and stroke");
  await owner.getByRole("button", { name: "Create project" }).click();
  await expect(owner.getByRole("heading", { name })).toBeVisible();
  const projectUrl = owner.url();
  expect(projectUrl).toMatch(/\/projects\/[0-9a-f-]{36}$/);
  const projectId = projectUrl.split("/").pop();

  const other = await browser.newPage();
  const otherEmail = await registerFreshUser(other);
  await gotoHydrated(other, "/projects");
  await expect(other.getByRole("link", { name })).toHaveCount(0);
  const hidden = await other.goto(projectUrl);
  expect(hidden?.status()).toBe(404);
  await expect(other.getByRole("alert")).toContainText("project not found");

  // The owner shares it as viewer.
  await gotoHydrated(owner, `${projectUrl}/settings`);
  await owner.getByLabel("Email address of a registered user").fill(otherEmail);
  await owner.getByLabel("Role").selectOption("viewer");
  await owner.getByRole("button", { name: "Share" }).click();
  await expect(owner.getByRole("list", { name: "Members" })).toContainText(`${otherEmail} (viewer)`);

  // The viewer sees it, read-only.
  await gotoHydrated(other, "/projects");
  await expect(other.getByRole("link", { name })).toBeVisible();
  await gotoHydrated(other, projectUrl);
  await expect(other.getByRole("heading", { name })).toBeVisible();
  await expect(other.getByTestId("project-access")).toContainText("your access: viewer");
  await expect(other.getByText("You can read this project but not change it.")).toBeVisible();
  await expect(other.getByRole("button", { name: "Save" })).toHaveCount(0);
  await expect(other.getByRole("button", { name: "Share" })).toHaveCount(0);

  // A forged edit call with the viewer's session is refused and changes nothing.
  const forged = await other.request.post("/api/update_project", {
    form: { id: projectId!, name: "Hijacked", description: "" },
  });
  expect(forged.status()).toBe(403);
  await other.reload();
  await expect(other.getByRole("heading", { name })).toBeVisible();
});

test("a personal API token is shown once, works as Bearer within its scope, and stops when revoked", async ({ page, playwright }) => {
  const email = await registerFreshUser(page);
  await gotoHydrated(page, "/settings");
  await page.getByLabel("Token name").fill("nightly export");
  await expect(page.locator("select[name=scope]")).toHaveValue("read_only");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token.split(".")).toHaveLength(3);

  // A script, with no cookie, using only the token.
  const script = await playwright.request.newContext({ baseURL: process.env.BASE_URL });
  const who = await script.post("/api/current_user", { headers: { Authorization: `Bearer ${token}` } });
  expect(who.status()).toBe(200);
  expect(await who.text()).toContain(email);
  // Read-only: reading works, changing is refused, and no token mints tokens.
  const write = await script.post("/api/create_project", {
    headers: { Authorization: `Bearer ${token}` },
    form: { name: "from a script", description: "" },
  });
  expect(write.status()).toBe(403);
  const mint = await script.post("/api/create_api_token", {
    headers: { Authorization: `Bearer ${token}` },
    form: { name: "child", days: "365", scope: "read_write" },
  });
  expect(mint.status()).toBe(403);
  await expect(page.getByRole("list", { name: "API tokens" })).toContainText("read-only");

  await page.getByRole("button", { name: "Revoke nightly export" }).click();
  await page.getByRole("button", { name: "Revoke for good" }).click();
  await expect(page.getByRole("list", { name: "API tokens" })).toContainText("revoked");
  const refused = await script.post("/api/list_jobs", { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
  await script.dispose();
});

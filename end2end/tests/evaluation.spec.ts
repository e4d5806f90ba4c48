import { test, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";
import { demoRun, gotoHydrated } from "./helpers";

async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const severe = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(severe.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`), what).toEqual([]);
}

/** Minimal CSV reading for the exports (quotes, doubled quotes, commas). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else if (c !== "\r") cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

test("upload a gold standard, fix its mapping, see per-field accuracy and the chart, compare two evaluations, download exports", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const page = await (await browser.newContext()).newPage();
  const { runUrl } = await demoRun(page, "study_characteristics");

  await page.getByRole("link", { name: "Evaluate", exact: true }).click();
  await page.waitForURL(/\/evaluate$/);
  const evaluateUrl = page.url();
  await gotoHydrated(page, evaluateUrl);
  await page.getByTestId("gold-file").setInputFiles({
    name: "doctors.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("File,Randomised (n),Notes\ndemo-vitamin-d-falls-trial.pdf,612,from the abstract\n"),
  });
  const mapping = page.getByRole("table", { name: "Column mapping" });
  await expect(mapping).toBeVisible();
  // The mapping as the user fixes it: the count column by hand, the notes
  // column first left unmapped (a problem), then ignored.
  await page.getByLabel("Read column Randomised (n) as").selectOption("total_randomised");
  await page.getByLabel("Read column Notes as").selectOption("");
  await page.getByRole("button", { name: "Check and save" }).click();
  await expect(page.getByTestId("gold-problems")).toContainText("Notes");
  await page.getByLabel("Read column Notes as").selectOption("__ignore");
  await page.getByRole("button", { name: "Check and save" }).click();
  await expect(page.getByText("Gold standard saved.")).toBeVisible();
  await expect(page.getByRole("list", { name: "Gold standards" })).toContainText("doctors");
  await expectAccessible(page, "evaluate page");

  // Evaluate the values as reviewed: per-field accuracy and the chart.
  await page.getByRole("button", { name: "Evaluate against doctors" }).click();
  await page.waitForURL(/\/evaluations\/[0-9a-f-]{36}$/);
  const firstUrl = page.url();
  await gotoHydrated(page, firstUrl);
  await expect(page.getByTestId("evaluation-overall")).toContainText("100.0%");
  await expect(page.getByRole("table", { name: "Scores per field" })).toContainText("Total randomised");
  await expect(page.getByTestId("accuracy-chart")).toBeVisible();
  await expect(page.getByTestId("accuracy-chart")).toHaveAttribute("aria-label", /Total randomised: 100%/);
  await expectAccessible(page, "evaluation page");
  await page.emulateMedia({ colorScheme: "dark" });
  await expectAccessible(page, "evaluation page, dark");
  await page.emulateMedia({ colorScheme: "light" });

  // A second evaluation (values as extracted), compared with the first.
  await gotoHydrated(page, evaluateUrl);
  await page.getByLabel("Score the values with reviewers' corrections").uncheck();
  await page.getByRole("button", { name: "Evaluate against doctors" }).click();
  await page.waitForURL((url) => /\/evaluations\/[0-9a-f-]{36}$/.test(url.pathname) && url.href !== firstUrl);
  await gotoHydrated(page, page.url());
  await page.getByLabel(/^Other evaluation/).selectOption({ index: 1 });
  const comparison = page.getByTestId("comparison");
  await expect(comparison).toContainText("All fields");
  await expect(comparison).toContainText("Total randomised");
  await expect(comparison).toContainText("+0.0 points");

  // Exports from the review page, read back from the downloaded files.
  await gotoHydrated(page, `${runUrl}/review`);
  await page.locator("details.export-panel > summary").click();
  const download = async (format: string) => {
    await page.locator("select[name=format]").selectOption(format);
    const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download" }).click()]);
    expect(file.suggestedFilename()).toMatch(/^demo[a-z0-9-]*_study-basics-v1_\d{4}-\d{2}-\d{2}\.(csv|json|xlsx)$/);
    return readFileSync((await file.path())!);
  };
  const wide = parseCsv((await download("csv_wide")).toString("utf8"));
  const header = wide[0];
  const column = header.indexOf("total_randomised");
  expect(column).toBeGreaterThan(0);
  const vitaminD = wide.find((row) => row[0] === "demo-vitamin-d-falls-trial.pdf");
  expect(vitaminD?.[column]).toBe("612");
  expect(wide.length).toBe(4);
  const json = JSON.parse((await download("json")).toString("utf8"));
  expect(json).toHaveLength(3);
  expect(JSON.stringify(json)).toContain("612");
  const xlsx = await download("xlsx");
  expect(xlsx.subarray(0, 2).toString("latin1")).toBe("PK");
  expect(xlsx.includes(Buffer.from("xl/worksheets/"))).toBeTruthy();
});

// The API explorer (GET /api/docs) in a real browser: Debian's Chromium driven by
// playwright-core. The page loads from the app alone, lists every operation of the OpenAPI
// document, and "Try it out" on GET /api/me with a pasted bearer token answers 200; the local
// token form authorizes the page too. Without /usr/bin/chromium the tests skip and say so
// (.ci/run installs it).
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, baseUrl, tokenFor } from "./support/http.js";

const executablePath = "/usr/bin/chromium";
const hasChromium = existsSync(executablePath);
const noChromium = `no Chromium at ${executablePath}: apt-get install -y chromium`;
if (!hasChromium) console.warn(`test/api-explorer.test.ts skips its browser tests: ${noChromium}`);

// Without the background-networking flags Chromium dials out at start, which this closed
// network refuses; the rest keep a test browser quiet and alike on every machine.
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let browser: BrowserContext | undefined;
let profile: string | undefined;
/** Requests the page made to anything but the app (a CDN, a font host): there must be none. */
const foreign: string[] = [];
/** What the browser reported as broken (CSP violations, script errors). */
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  profile = await mkdtemp(join(tmpdir(), "explorer-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: chromiumArgs,
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

async function openExplorer(): Promise<Page> {
  const page = await browser!.newPage();
  const origin = new URL(baseUrl()).origin;
  page.on("request", (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith("data:"))
      foreign.push(request.url());
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  page.on("response", (response) => {
    if (response.status() >= 400) consoleErrors.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${baseUrl()}/docs`);
  await page.locator(".opblock").first().waitFor({ timeout: 20_000 });
  return page;
}

function operation(page: Page, method: string, path: string) {
  return page.locator(`.opblock-${method}`, {
    has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
  });
}

/** Expands GET /me, presses Execute and returns the status the page shows. */
async function tryMe(page: Page): Promise<string> {
  const me = operation(page, "get", "/me");
  await me.locator(".opblock-summary").click();
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/me");
  await me.locator("button.execute").click();
  expect((await answered).status()).toBe(200);
  return (
    await me.locator(".live-responses-table tbody .response-col_status").first().innerText()
  ).trim();
}

describe("the API explorer in Chromium", () => {
  it("loads from the app alone and lists every operation of the OpenAPI document", async (ctx) => {
    if (!hasChromium) ctx.skip(noChromium);
    const page = await openExplorer();
    const doc = await api<{ paths: Record<string, Record<string, unknown>> }>("openapi.json");
    const documented = Object.entries(doc.json.paths)
      .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const listed = await page.locator(".opblock").evaluateAll((blocks) =>
      blocks.map((block) => {
        const method = block.querySelector(".opblock-summary-method")?.textContent ?? "";
        const path = block.querySelector(".opblock-summary-path")?.getAttribute("data-path");
        return `${method.trim().toUpperCase()} ${path ?? ""}`;
      }),
    );
    expect(listed.sort()).toEqual(documented);
    expect(documented).toContain("GET /me");
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it("answers Try it out on GET /api/me with 200 once a pasted token is authorized", async (ctx) => {
    if (!hasChromium) ctx.skip(noChromium);
    const token = await tokenFor({
      tenantId: "explorer",
      userId: "eve",
      roles: ["QM.Evaluator"],
    });
    const page = await openExplorer();
    await page.locator("button.authorize").first().click();
    const dialog = page.locator(".dialog-ux .modal-ux");
    await dialog.locator("input").first().fill(token);
    await dialog.locator("button.authorize").click();
    await dialog.locator("button.btn-done, button.close-modal").first().click();

    expect(await tryMe(page)).toBe("200");
    const body = await operation(page, "get", "/me")
      .locator(".live-responses-table tbody .response-col_description pre")
      .first()
      .innerText();
    expect(JSON.parse(body)).toMatchObject({ tenantId: "explorer", userId: "eve" });
    await page.close();
  });

  it("gets a local token from the page's form and is authorized with it", async (ctx) => {
    if (!hasChromium) ctx.skip(noChromium);
    const page = await openExplorer();
    const form = page.locator("form#dev-token");
    await form.locator('input[name="userId"]').fill("agent-7");
    await form.locator('input[name="roles"]').fill("QM.Agent");
    await form.locator("button[type=submit]").click();
    await expect
      .poll(() => form.locator("output").innerText())
      .toBe("Authorized as agent-7 (QM.Agent).");
    expect(await tryMe(page)).toBe("200");
    await page.close();
  });
});

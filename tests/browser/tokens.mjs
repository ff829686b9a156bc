// End-to-end test of the API Tokens page in Debian's chromium, driven by playwright-core:
// sign in, create a token, copy it, call the API with it, view, rename and revoke it, call
// the API again, sign out. Screenshots of every step go to SHOT_DIR for a person to look at.
//
// usage: BASE_URL=http://127.0.0.1:8080 EMAIL=... PASSWORD=... SHOT_DIR=build/screenshots \
//        node tests/browser/tokens.mjs
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.BASE_URL;
const email = process.env.EMAIL;
const password = process.env.PASSWORD;
const shots = process.env.SHOT_DIR || 'build/screenshots';
assert.ok(base && email && password, 'BASE_URL, EMAIL and PASSWORD are required');
mkdirSync(shots, { recursive: true });
// Names unique to this run, so that a database used before cannot confuse the look-ups.
const run = Date.now().toString(36);
const firstName = `Browser test ${run}`;
const renamed = `Renamed in the browser ${run}`;
const noScriptName = `No script ${run}`;

// Chromium for a machine with no network: nothing may reach out on its own.
const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const profile = mkdtempSync(join(tmpdir(), 'screendesk-chromium-'));

let step = 0;
async function shot(page, name) {
  step += 1;
  const file = join(shots, `${String(step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`  screenshot ${file}`);
}

async function api(token) {
  const res = await fetch(`${base}/api/v2/recordings?items=1`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return res.status;
}

// Every form control has a label, and nothing is hidden from the accessibility tree that a
// user needs: a cheap check run on every page.
async function checkLabels(page) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), button, select, textarea')]
      .filter((el) => !el.hidden)
      .filter((el) => {
        const byLabel = el.labels && el.labels.length > 0;
        const byText = (el.textContent || '').trim().length > 0;
        return !(byLabel || byText || el.getAttribute('aria-label'));
      })
      .map((el) => el.outerHTML),
  );
  assert.deepEqual(unlabelled, [], 'every control has an accessible name');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
}

const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args,
  viewport: { width: 1100, height: 760 },
});
try {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = context.pages()[0] || (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // Pages may answer 4xx on purpose (a wrong password); the files they load may not.
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'document')
      pageErrors.push(`${r.status()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      pageErrors.push(m.text());
  });

  console.log('sign in');
  await page.goto(`${base}/settings/tokens`);
  assert.match(page.url(), /\/signin$/, 'signed-out visitors are sent to the sign-in page');
  await checkLabels(page);
  await shot(page, 'sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Incorrect email or password' }).waitFor();
  await shot(page, 'sign-in-wrong-password');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/settings\/tokens$/);
  await page.getByRole('heading', { name: 'Personal Settings' }).waitFor();
  await checkLabels(page);
  await shot(page, 'personal-settings');
  const cookies = await context.cookies(base);
  const session = cookies.find((c) => c.name === 'screendesk_session');
  assert.ok(session, 'a session cookie is set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');

  console.log('create a token');
  await page.getByRole('link', { name: 'API Tokens' }).click();
  await page.getByRole('link', { name: 'Create an API Token' }).click();
  await page.getByLabel('Token name').fill(firstName);
  await checkLabels(page);
  await shot(page, 'create-form');
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.getByRole('heading', { name: `Token “${firstName}” created` }).waitFor();
  const raw = await page.getByLabel('Token', { exact: true }).inputValue();
  assert.match(raw, /^sdp_[A-Za-z0-9_-]{43}$/);
  const row = page.getByRole('row').filter({ hasText: firstName });
  await row.waitFor();
  await shot(page, 'token-created');

  console.log('copy it');
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, raw, 'the Copy button puts the raw token on the clipboard');
  await shot(page, 'token-copied');

  console.log('call the API with it');
  assert.equal(await api(copied), 200);

  console.log('view it again');
  await page.goto(`${base}/settings/tokens`);
  await page
    .getByRole('row')
    .filter({ hasText: firstName })
    .getByRole('link', { name: 'View' })
    .click();
  assert.equal(await page.getByLabel('Token', { exact: true }).inputValue(), raw);
  const lastUsed = await page.locator('dt:text("Last used") + dd').textContent();
  assert.notEqual(lastUsed.trim(), 'Never', 'the API call shows as the last use');
  await shot(page, 'token-view');

  console.log('rename it');
  await page.getByRole('link', { name: 'Rename' }).click();
  await page.getByLabel('Token name').fill(renamed);
  await page.getByRole('button', { name: 'Save name' }).click();
  await page.getByRole('status').filter({ hasText: 'Token renamed.' }).waitFor();
  await page.getByRole('row').filter({ hasText: renamed }).waitFor();
  await shot(page, 'token-renamed');

  console.log('revoke it');
  await page
    .getByRole('row')
    .filter({ hasText: renamed })
    .getByRole('link', { name: 'Revoke' })
    .click();
  await page.getByRole('heading', { name: `Revoke token “${renamed}”?` }).waitFor();
  await shot(page, 'revoke-confirmation');
  await page.getByRole('button', { name: 'Revoke token' }).click();
  await page.getByRole('status').filter({ hasText: 'Token revoked.' }).waitFor();
  const revokedRow = page.getByRole('row').filter({ hasText: renamed });
  await revokedRow.filter({ hasText: 'Revoked' }).waitFor();
  assert.equal(await revokedRow.getByRole('link', { name: 'Revoke' }).count(), 0);
  await shot(page, 'token-revoked');

  console.log('call the API again');
  assert.equal(await api(raw), 401);

  console.log('on a phone');
  await page.setViewportSize({ width: 375, height: 740 });
  await page.reload();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (overflow ${overflow}px)`);
  await shot(page, 'phone');
  await page.setViewportSize({ width: 1100, height: 760 });

  console.log('keyboard focus is visible');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused element shows an outline');

  console.log('sign out');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin\?signed_out=1$/);
  await page.getByRole('status').filter({ hasText: 'You are signed out.' }).waitFor();
  await shot(page, 'signed-out');
  await page.goto(`${base}/settings/tokens`);
  assert.match(page.url(), /\/signin$/, 'after signing out the settings need a new sign-in');

  assert.deepEqual(pageErrors, [], 'no script errors or failed resources on any page');
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

// The same page with scripts off: everything but copying works.
console.log('without JavaScript');
const noScriptProfile = mkdtempSync(join(tmpdir(), 'screendesk-chromium-'));
const noScript = await chromium.launchPersistentContext(noScriptProfile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args,
  javaScriptEnabled: false,
  viewport: { width: 1100, height: 760 },
});
try {
  const page = noScript.pages()[0] || (await noScript.newPage());
  await page.goto(`${base}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/settings\/tokens$/);
  await page.getByRole('link', { name: 'Create an API Token' }).click();
  await page.getByLabel('Token name').fill(noScriptName);
  await page.getByRole('button', { name: 'Create token' }).click();
  const raw = await page.getByLabel('Token', { exact: true }).inputValue();
  assert.match(raw, /^sdp_/);
  assert.equal(await page.getByRole('button', { name: 'Copy' }).count(), 0,
    'without scripts the Copy button stays hidden; the token can be selected by hand');
  await shot(page, 'no-javascript');
  assert.equal(await api(raw), 200);
  await page.getByRole('row').filter({ hasText: noScriptName }).getByRole('link', { name: 'Revoke' }).click();
  await page.getByRole('button', { name: 'Revoke token' }).click();
  await page.getByRole('status').filter({ hasText: 'Token revoked.' }).waitFor();
  assert.equal(await api(raw), 401);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin\?signed_out=1$/);
} finally {
  await noScript.close();
  rmSync(noScriptProfile, { recursive: true, force: true });
}
console.log('browser test passed');

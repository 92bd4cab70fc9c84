import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

/** Debian's Chromium (`.ci/run` installs it when missing). */
function chromiumPath(): string {
  return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  }).trim();
}

const SCREENSHOT = join(__dirname, '..', '..', 'docs', 'images', 'openapi-docs.png');

describe.each(SAMPLE_ADAPTERS)('Swagger UI at /docs in headless Chromium on %s', (adapter) => {
  let sample: RunningSample;
  let browser: Browser;
  beforeAll(async () => {
    sample = await startSample(adapter);
    browser = await puppeteer.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await sample?.close();
  });

  it('shows every operation, and an operation opened shows its error responses', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1400 });
    await page.goto(`${sample.url}/docs`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    const operations = await page.$$eval('.opblock-summary', (nodes) =>
      nodes.map((node) => {
        const method = node.querySelector('.opblock-summary-method')?.textContent ?? '';
        const path = node.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
        return `${method} ${path}`;
      }),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/users',
        'GET /api/users/{id}',
        'DELETE /api/admin/users/{id}',
        'POST /api/reports',
        'GET /api/reports/jobs/{jobId}',
      ]),
    );
    expect(operations).toHaveLength(16);

    // Open POST /api/users: its responses table lists the statuses the app answers.
    const post = await page.$('#operations-Users-UsersController_create .opblock-summary');
    await post!.click();
    await page.waitForSelector('#operations-Users-UsersController_create .responses-table');
    const statuses = await page.$$eval(
      '#operations-Users-UsersController_create .responses-table .response-col_status',
      (cells) => cells.map((cell) => cell.textContent?.trim()),
    );
    expect(statuses).toEqual([
      'Code',
      '201',
      '400',
      '409',
      '413',
      '415',
      '417',
      '422',
      '429',
      '500',
      '501',
      '503',
      '505',
    ]);
    const text = await page.$eval('#operations-Users-UsersController_create', (n) => n.textContent);
    expect(text).toContain('EMAIL_TAKEN');
    expect(text).toContain('Location');
    if (adapter === 'express') await page.screenshot({ path: SCREENSHOT, fullPage: false });
    await page.close();
  }, 60_000);
});

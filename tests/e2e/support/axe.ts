// axe-core in the page under test: WCAG 2.x A/AA violations of a given
// impact, as readable strings (rule id and the offending markup).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

export async function accessibilityViolations(
  page: Page,
  options: { include?: string; impacts?: readonly Impact[] } = {},
): Promise<string[]> {
  await page.evaluate(axeSource); // evaluated via the DevTools protocol, so the page's CSP does not block it
  return page.evaluate(
    async ({ include, impacts }) => {
      const axe = (
        window as unknown as {
          axe: {
            run: (
              context: unknown,
              options: unknown,
            ) => Promise<{ passes: unknown[]; violations: { id: string; impact: string | null; nodes: { html: string }[] }[] }>;
          };
        }
      ).axe;
      const result = await axe.run(include === undefined ? document : { include: [[include]] }, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] },
      });
      if (result.passes.length === 0) return ['axe found nothing to check'];
      return result.violations
        .filter((v) => impacts === null || (impacts as string[]).includes(v.impact ?? ''))
        .map((v) => `${v.id} (${v.impact ?? '?'}): ${v.nodes.map((n) => n.html).join(' | ')}`);
    },
    { include: options.include, impacts: options.impacts ? [...options.impacts] : null },
  );
}

// The printed Sachbericht's page: A4 portrait with margins, the report's title
// repeated at the top of every page and "Seite n von m" at the bottom (CSS page
// margin boxes). Rendered only while the Sachbericht is open, so no other screen
// prints with these pages.

/** A CSS string literal: quotes, backslashes and line breaks escaped (the municipality's name comes from configuration). */
export function cssString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\n\r\f]/g, ' ')}"`;
}

/** "Seite {{page}} von {{pages}}" as CSS content: the placeholders become page counters. */
export function pageCounterContent(template: string): string {
  return template
    .split(/(\{\{page\}\}|\{\{pages\}\})/)
    .filter((part) => part !== '')
    .map((part) => (part === '{{page}}' ? 'counter(page)' : part === '{{pages}}' ? 'counter(pages)' : cssString(part)))
    .join(' ');
}

export function SachberichtPageStyle({ running, pageTemplate }: { running: string; pageTemplate: string }) {
  const css = `@page {
  size: A4 portrait;
  margin: 18mm 15mm 18mm 15mm;
  @top-left { content: ${cssString(running)}; font: 8pt system-ui, sans-serif; color: #333; }
  @bottom-right { content: ${pageCounterContent(pageTemplate)}; font: 8pt system-ui, sans-serif; color: #333; }
}`;
  return <style data-testid="sachbericht-page-style">{css}</style>;
}

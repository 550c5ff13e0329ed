// The printed Sachbericht's page: A4 portrait with margins, the report's title
// repeated at the top of every page and "Seite n von m" at the bottom (CSS page
// margin boxes). Added while the Sachbericht is open only, so no other screen
// prints with these pages. A constructed style sheet, because the content
// security policy refuses inline <style> (and the texts are localised).
import { useEffect } from 'react';

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

export function sachberichtPageCss(running: string, pageTemplate: string): string {
  return `@page {
  size: A4 portrait;
  margin: 18mm 15mm 18mm 15mm;
  @top-left { content: ${cssString(running)}; font: 8pt system-ui, sans-serif; color: #333; }
  @bottom-right { content: ${pageCounterContent(pageTemplate)}; font: 8pt system-ui, sans-serif; color: #333; }
}`;
}

/** Renders nothing: while mounted, the document prints on these pages. */
export function SachberichtPageStyle({ running, pageTemplate }: { running: string; pageTemplate: string }) {
  useEffect(() => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(sachberichtPageCss(running, pageTemplate));
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
    };
  }, [running, pageTemplate]);
  return null;
}

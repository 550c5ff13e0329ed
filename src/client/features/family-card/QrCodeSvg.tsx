// A QR code as plain SVG elements (no innerHTML): one path of dark modules,
// built from uqr's module matrix. Rendered on the device, so nothing leaves it.
import { useMemo } from 'react';
import { encode } from 'uqr';

/** Quiet zone of 4 modules, as the QR standard asks, so printed codes scan reliably. */
const QUIET_ZONE = 4;

/** One subpath per horizontal run of dark modules: `M x y h n v 1 h -n z`. */
export function qrPath(modules: readonly (readonly boolean[])[]): string {
  const parts: string[] = [];
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (row[x] !== true) {
        x++;
        continue;
      }
      const start = x;
      while (row[x] === true) x++;
      parts.push(`M${start} ${y}h${x - start}v1h${start - x}z`);
    }
  });
  return parts.join('');
}

export function QrCodeSvg({ value, label, className }: { value: string; label: string; className?: string }) {
  // Level M (15 % may be damaged): a card lives in a handbag.
  const qr = useMemo(() => encode(value, { ecc: 'M', border: QUIET_ZONE }), [value]);
  const path = useMemo(() => qrPath(qr.data), [qr]);
  return (
    <svg
      className={className}
      role="img"
      aria-label={label}
      viewBox={`0 0 ${qr.size} ${qr.size}`}
      shapeRendering="crispEdges"
      xmlns="http://www.w3.org/2000/svg"
      data-modules={qr.size}
    >
      <rect width={qr.size} height={qr.size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

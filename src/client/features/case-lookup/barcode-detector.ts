// The Shape Detection API's BarcodeDetector (Chromium on Android/ChromeOS,
// not in TypeScript's DOM types). Feature-detected: where it is missing, the
// case number is typed — nothing is polyfilled or fetched.

export interface DetectedBarcode {
  rawValue: string;
  format: string;
}

export interface BarcodeDetectorInstance {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}

export interface BarcodeDetectorConstructor {
  new (options?: { formats: string[] }): BarcodeDetectorInstance;
  getSupportedFormats?: () => Promise<string[]>;
}

/** The browser's BarcodeDetector, if there is one and a camera API to feed it. */
export function barcodeDetector(): BarcodeDetectorConstructor | null {
  if (typeof window === 'undefined' || !('BarcodeDetector' in window)) return null;
  if (!('mediaDevices' in navigator)) return null; // insecure contexts have none
  return (window as unknown as { BarcodeDetector: BarcodeDetectorConstructor }).BarcodeDetector;
}

// Reads a QR code from the rear camera with BarcodeDetector, a few times a
// second, until a value is accepted or scanning stops. The camera stream is
// always released: on success, on stop and on unmount.
import { useCallback, useEffect, useRef, useState } from 'react';
import { barcodeDetector } from './barcode-detector';

export type ScanState = 'idle' | 'starting' | 'scanning' | 'cameraUnavailable' | 'scanUnsupported';

const SCAN_INTERVAL_MS = 250;

/**
 * `accept` sees every decoded value and returns true to end the scan
 * (false: keep looking, e.g. a QR code that holds no case number).
 */
export function useQrScanner(accept: (value: string) => boolean) {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const timerRef = useRef<number | null>(null);
  const acceptRef = useRef(accept);
  const [state, setState] = useState<ScanState>('idle');

  useEffect(() => {
    acceptRef.current = accept;
  }, [accept]);

  const release = useCallback(() => {
    if (timerRef.current !== null) window.clearTimeout(timerRef.current);
    timerRef.current = null;
    for (const track of streamRef.current?.getTracks() ?? []) track.stop();
    streamRef.current = null;
    if (videoRef.current) videoRef.current.srcObject = null;
  }, []);

  const stop = useCallback(() => {
    release();
    setState('idle');
  }, [release]);

  const start = useCallback(async () => {
    const Detector = barcodeDetector();
    if (!Detector) {
      setState('scanUnsupported');
      return;
    }
    setState('starting');
    try {
      const formats = (await Detector.getSupportedFormats?.()) ?? ['qr_code'];
      if (!formats.includes('qr_code')) {
        setState('scanUnsupported');
        return;
      }
      const detector = new Detector({ formats: ['qr_code'] });
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      streamRef.current = stream;
      const video = videoRef.current;
      if (!video) {
        release();
        return;
      }
      video.srcObject = stream;
      await video.play();
      setState('scanning');

      const tick = async (): Promise<void> => {
        if (streamRef.current !== stream) return; // stopped meanwhile
        try {
          const codes = await detector.detect(video);
          for (const code of codes) {
            if (acceptRef.current(code.rawValue)) {
              stop();
              return;
            }
          }
        } catch {
          // A frame that could not be read: try the next one.
        }
        if (streamRef.current === stream) timerRef.current = window.setTimeout(() => void tick(), SCAN_INTERVAL_MS);
      };
      await tick();
    } catch {
      release();
      setState('cameraUnavailable');
    }
  }, [release, stop]);

  useEffect(() => release, [release]);

  return { videoRef, state, start, stop, supported: barcodeDetector() !== null };
}

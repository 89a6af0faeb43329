import { type DragEvent, useId, useRef, useState } from 'react';
import { formatBytes } from '../jobs/progress-format';

/**
 * A file picker that also takes a dropped file: a real button opens the picker, so that it
 * works with a keyboard and a screen reader; dropping is the shortcut.
 */
export function DropZone({ label, hint, file, onFile, accept = '.csv,text/csv,text/plain' }: { label: string; hint?: string; file: File | null; onFile(file: File): void; accept?: string }) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (f) onFile(f);
  };
  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p id={`${id}-label`}>
        <strong>{label}</strong>
      </p>
      {file ? (
        <p>
          <span className="file-name">{file.name}</span> <span className="muted">({formatBytes(file.size)})</span>
        </p>
      ) : (
        <p className="muted">{hint ?? 'Drag the file here, or choose it.'}</p>
      )}
      <p>
        <button type="button" className="btn secondary" onClick={() => input.current?.click()} aria-describedby={`${id}-label`}>
          {file ? 'Choose another file' : 'Choose a file'}
        </button>
      </p>
      <input
        ref={input}
        type="file"
        accept={accept}
        className="sr-only"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="file-input"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) onFile(f);
          e.target.value = '';
        }}
      />
    </div>
  );
}

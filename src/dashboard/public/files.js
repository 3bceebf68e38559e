// A completed job's output files: each downloaded with the key (a link cannot send the header),
// images and PDFs previewed from a blob URL, and every file saveable.
import { useEffect, useState } from './hooks.js';
import { apiBlob } from './api.js';
import { ErrorNote, html } from './ui.js';

function kind(file) {
  const type = file.contentType ?? '';
  if (type.startsWith('image/') || /\.(png|jpe?g|gif|webp)$/i.test(file.name)) return 'image';
  if (type === 'application/pdf' || /\.pdf$/i.test(file.name)) return 'pdf';
  return 'other';
}

function FileItem({ job, file }) {
  const [url, setUrl] = useState(null);
  const [blobType, setBlobType] = useState(null);
  const [error, setError] = useState(null);
  const path = `/v1/jobs/${job.id}/files/${encodeURIComponent(file.name)}`;
  const previewable = kind(file) !== 'other';
  useEffect(() => {
    if (!previewable) return undefined;
    let made = null;
    apiBlob(path).then((blob) => {
      setBlobType(blob.type);
      setUrl((made = URL.createObjectURL(blob)));
    }, setError);
    return () => made && URL.revokeObjectURL(made);
  }, [path]);
  const download = async () => {
    try {
      const href = url ?? URL.createObjectURL(await apiBlob(path));
      const a = Object.assign(document.createElement('a'), { href, download: file.name });
      a.click();
    } catch (failure) {
      setError(failure);
    }
  };
  return html`<li class="file">
    <span>${file.name}${file.size !== undefined ? ` (${file.size} bytes)` : ''}</span>
    <button type="button" onClick=${download} aria-label=${`Download ${file.name}`}>Download</button>
    <${ErrorNote} error=${error} />
    ${url && kind(file) === 'image' && html`<img src=${url} alt=${`Preview of ${file.name}`} class="preview" data-type=${blobType} />`}
    ${url && kind(file) === 'pdf' && html`<iframe src=${url} title=${`Preview of ${file.name}`} class="preview pdf" data-type=${blobType}></iframe>`}
  </li>`;
}

/** Files lists the job's `output.files`, or nothing when it has none. */
export function Files({ job }) {
  const files = Array.isArray(job.output?.files) ? job.output.files : [];
  if (files.length === 0) return null;
  return html`<section aria-labelledby="files-title">
    <h3 id="files-title">Files</h3>
    <ul class="files">${files.map((file) => html`<${FileItem} key=${file.name} job=${job} file=${file} />`)}</ul>
  </section>`;
}

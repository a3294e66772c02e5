// Downloading the current result in the format asked for, fetched again with that Accept header.
import { $, element } from "./dom.js";
import { showError } from "./results.js";
import { fetchAs } from "./run.js";
import { problemText, state } from "./state.js";

export function setDownloads(enabled) {
  $("download-csv").disabled = !enabled;
  $("download-json").disabled = !enabled;
}

export async function download(accept, extension) {
  const response = await fetchAs(accept);
  if (!response.ok) {
    showError(await problemText(response));
    return;
  }
  const blob = await response.blob();
  const link = element("a", { href: URL.createObjectURL(blob), download: `${state.current.filename}.${extension}` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// The browser side of a direct upload: create → PUT the bytes to the signed
// target with progress (XHR, since fetch cannot report upload progress) →
// complete.
import { ApiError, client, data, type Problem } from "../../api/client";
import { contentType, type Transport } from "./queue";

export function browserTransport(boardId: string): Transport {
  return {
    create: (file, assetId, key) =>
      data(client.POST("/api/v1/boards/{id}/uploads", {
        params: { path: { id: boardId }, header: { "Idempotency-Key": key } },
        body: { file_name: file.name, content_type: contentType(file), size: file.size, asset_id: assetId },
      })),
    send: (target, file, onProgress, signal) =>
      new Promise<void>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open(target.method, target.url);
        for (const [name, value] of Object.entries(target.headers)) {
          // The browser sets these itself and refuses to be told.
          if (!["content-length", "host"].includes(name.toLowerCase())) xhr.setRequestHeader(name, value);
        }
        xhr.upload.onprogress = (e) => onProgress(e.loaded);
        xhr.onload = () => {
          if (xhr.status >= 200 && xhr.status < 300) return resolve();
          let problem: Problem | null = null;
          try {
            problem = JSON.parse(xhr.responseText) as Problem;
          } catch {
            /* storage answered in XML or HTML */
          }
          reject(new ApiError(xhr.status, problem ?? {
            type: "about:blank", title: "Upload refused", status: xhr.status,
            detail: `Storage refused the file (${xhr.status}). Try again.`,
          } as Problem));
        };
        xhr.onerror = () => reject(new Error("The connection broke while sending. Try again."));
        xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
        signal.addEventListener("abort", () => xhr.abort());
        xhr.send(file);
      }),
    complete: (id) => data(client.POST("/api/v1/uploads/{id}/complete", { params: { path: { id } } })),
  };
}

/**
 * The files a host's user data writes (components/azure/bootstrap bootstrapBundle): each
 * `'<name>' = @'...'@` entry of the gunzipped bundle, by name, as the test reads them back.
 */
import { gunzipSync } from "zlib";

export function userDataBundle(userData: string): string {
    return gunzipSync(Buffer.from(userData, "base64")).toString("utf8");
}

export function userDataFiles(userData: string): Map<string, string> {
    const bundle = userDataBundle(userData);
    const files = new Map<string, string>();
    for (const m of bundle.matchAll(/^ {4}'([^']+)' = @'\n([\s\S]*?)\n'@$/gm)) files.set(m[1], m[2]);
    return files;
}

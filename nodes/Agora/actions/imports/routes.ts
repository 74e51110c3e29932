/**
 * The import-session routes of the credential's route set (agora.md A.9, B.4.9, Part C):
 * documented `/api/v2/importsession/` by default, the connectors' `/api/v1/import/` otherwise.
 * The two differ in more than the path (the create body, where progress is read), so they are
 * chosen here rather than rewritten by the platform's path table.
 */
import type { IDataObject } from 'n8n-workflow';

export interface ImportRoutes {
	create(folder: number | undefined): { path: string; body: IDataObject };
	session(id: number): string;
	upload(id: number): string;
	complete(id: number): string;
	/** What to poll while the import runs: an object with `state` and `progress`. */
	status(id: number): string;
	result(id: number): string;
	/** Which chunks of one file (flowIdentifier) the server holds; the same on both sets. */
	flowFile(identifier: string): string;
}

const flowFile = (identifier: string) => `/api/v1/flowfile/${encodeURIComponent(identifier)}/`;

const documented: ImportRoutes = {
	create: (folder) => ({ path: '/api/v2/importsession/', body: folder === undefined ? {} : { folder } }),
	session: (id) => `/api/v2/importsession/${id}/`,
	upload: (id) => `/api/v2/importsession/${id}/upload/`,
	complete: (id) => `/api/v2/importsession/${id}/complete/`,
	status: (id) => `/api/v2/importsession/${id}/`,
	result: (id) => `/api/v2/importsession/${id}/result/`,
	flowFile,
};

const connector: ImportRoutes = {
	// The connectors create an empty package and name the folder at completion (B.6.3).
	create: () => ({ path: '/api/v1/import/', body: {} }),
	session: (id) => `/api/v1/import/${id}/`,
	upload: (id) => `/api/v1/import/${id}/upload/`,
	complete: (id) => `/api/v1/import/${id}/complete/`,
	status: (id) => `/api/v1/import/${id}/progress/`,
	result: (id) => `/api/v1/import/${id}/result/`,
	flowFile,
};

export function importRoutes(routeSet: unknown): ImportRoutes {
	return routeSet === 'connector' ? connector : documented;
}

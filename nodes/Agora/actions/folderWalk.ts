/**
 * Folder navigation as GyroTools' connector does it: items of a folder (bare arrays on v1,
 * pages on v2), names resolved among the subfolders, ".." through the breadcrumb.
 */
import type { IDataObject } from 'n8n-workflow';
import { invalidParameter } from '../../shared/errors';
import { apiJson } from '../../shared/transport';
import type { RequestContext } from '../../shared/types';
import { listAll } from '../lists';
import { agora, normaliseContentType } from '../platform';

export interface FolderItem extends IDataObject {
	folderItemId: number;
	contentType: string;
	isLink: boolean;
}

/** A folder item flattened: the object itself plus where it sits. */
function flatten(item: IDataObject): FolderItem {
	const object = (item.content_object ?? {}) as IDataObject;
	return {
		...object,
		id: (object.id ?? item.object_id) as number,
		contentType: String(normaliseContentType(item.content_type)),
		folderItemId: Number(item.id),
		isLink: item.is_link === true,
	};
}

export async function folderItems(ctx: RequestContext, folderId: number, itemIndex?: number): Promise<FolderItem[]> {
	return (await listAll(ctx, `/api/v2/folder/${folderId}/items/`, {}, itemIndex)).map(flatten);
}

export async function breadcrumb(ctx: RequestContext, folderId: number, itemIndex?: number): Promise<IDataObject[]> {
	return await apiJson<IDataObject[]>(ctx, agora, { method: 'GET', path: `/api/v2/folder/${folderId}/breadcrumb/` }, itemIndex);
}

export async function createFolder(ctx: RequestContext, parentId: number, name: string, itemIndex?: number): Promise<IDataObject> {
	// A creating POST: never sent twice by the transport.
	const item = await apiJson<IDataObject>(ctx, agora, { method: 'POST', path: `/api/v2/folder/${parentId}/new/`, body: { name } }, itemIndex);
	return { ...((item.content_object ?? {}) as IDataObject), parent: parentId };
}

/** The subfolder called `name`, if any. */
export async function findSubfolder(ctx: RequestContext, parentId: number, name: string, itemIndex?: number): Promise<FolderItem | undefined> {
	return (await folderItems(ctx, parentId, itemIndex)).find((item) => item.contentType === 'folder' && item.name === name);
}

/** Resolves "a/b", "../data/x" or "./x" from a folder; with `create`, makes missing folders. */
export async function resolveFolderPath(
	ctx: RequestContext,
	startId: number,
	path: string,
	{ create, itemIndex }: { create: boolean; itemIndex?: number },
): Promise<IDataObject> {
	let current = startId;
	let crumbs: IDataObject[] | undefined;
	const parts = path.split('/').filter((part) => part !== '' && part !== '.');
	if (path.startsWith('/')) invalidParameter('Path', 'absolute paths are not supported', 'Give a path relative to the folder, e.g. data/raw or ../results.');
	for (const [index, part] of parts.entries()) {
		if (part === '..') {
			crumbs ??= await breadcrumb(ctx, current, itemIndex);
			if (crumbs.length < 2)
				invalidParameter('Path', `"${parts.slice(0, index + 1).join('/')}" goes above the project's root folder`, 'Remove a ".." from the path.');
			crumbs = crumbs.slice(0, -1);
			current = Number(crumbs[crumbs.length - 1].object_id ?? crumbs[crumbs.length - 1].id);
			continue;
		}
		crumbs = undefined;
		const found = await findSubfolder(ctx, current, part, itemIndex);
		if (found) current = Number(found.id);
		else if (create) current = Number((await createFolder(ctx, current, part, itemIndex)).id);
		else invalidParameter('Path', `there is no folder "${part}" in "${parts.slice(0, index).join('/') || '.'}"`, 'Check the folder names (they are case-sensitive), or use Get or Create.');
	}
	return await apiJson<IDataObject>(ctx, agora, { method: 'GET', path: `/api/v2/folder/${current}/` }, itemIndex);
}

/** Every item of a folder, optionally of its subfolders too (links are not followed). */
export async function walkFolder(ctx: RequestContext, folderId: number, recursive: boolean, itemIndex?: number): Promise<FolderItem[]> {
	const found: FolderItem[] = [];
	const queue = [folderId];
	const seen = new Set<number>();
	while (queue.length) {
		const id = queue.shift()!;
		if (seen.has(id)) continue;
		seen.add(id);
		for (const item of await folderItems(ctx, id, itemIndex)) {
			found.push(item);
			if (recursive && item.contentType === 'folder' && !item.isLink) queue.push(Number(item.id));
		}
	}
	return found;
}

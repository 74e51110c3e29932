import type { IDataObject } from 'n8n-workflow';
import { fetchAll } from '../shared/lists';
import type { RequestContext } from '../shared/types';
import { agora } from './platform';

/** A whole Agora list (walks, trash, tag instances). */
export const listAll = (ctx: RequestContext, path: string, qs: IDataObject, itemIndex?: number) => fetchAll(ctx, agora, path, qs, itemIndex);

/** Credential fields every platform's credential has, worded once. */
import type { INodeProperties } from 'n8n-workflow';

export function baseUrlField(placeholder: string, description: string): INodeProperties {
	return { displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '', placeholder, description, required: true };
}

export const usernameField: INodeProperties = { displayName: 'Username', name: 'username', type: 'string', default: '', required: true };

export function passwordField(description?: string): INodeProperties {
	return { displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '', required: true, description };
}

export const ignoreSslField: INodeProperties = {
	displayName: 'Ignore SSL Issues (Insecure)',
	name: 'ignoreSslIssues',
	type: 'boolean',
	default: false,
	description: 'Whether to connect even if the server certificate cannot be verified (self-signed certificates)',
};

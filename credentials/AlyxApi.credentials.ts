import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
	Icon,
} from 'n8n-workflow';
import { baseUrlField, ignoreSslField, passwordField, usernameField } from './commonFields';

/**
 * Alyx (IBL / cortex-lab). A token from `POST /auth-token`, sent as `Token <key>`. Alyx never
 * expires tokens, but an administrator can delete one; Alyx then answers 403 "Invalid token."
 * (never 401), and the shared request helper logs in again once.
 */
export class AlyxApi implements ICredentialType {
	name = 'alyxApi';

	displayName = 'Alyx API';

	icon: Icon = { light: 'file:../nodes/Alyx/alyx.svg', dark: 'file:../nodes/Alyx/alyx.dark.svg' };

	documentationUrl = 'https://github.com/research-data-n8n/n8n-nodes-research-data#alyx';

	properties: INodeProperties[] = [
		baseUrlField('e.g. https://alyx.internationalbrainlab.org', 'Address of the Alyx server (the REST API is at its root)'),
		usernameField,
		passwordField(),
		ignoreSslField,
		{
			displayName: 'Token',
			name: 'token',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const { token } = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${String(credentials.baseUrl).replace(/\/+$/, '')}/auth-token`,
			body: { username: credentials.username, password: credentials.password },
			json: true,
			skipSslCertificateValidation: credentials.ignoreSslIssues === true,
		})) as { token: string };
		return { token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Token {{$credentials.token}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/users',
			qs: { limit: 1 },
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
	};
}

import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';
import { baseUrlField, ignoreSslField, passwordField, usernameField } from './commonFields';

/** Agora serves its API at the host root; the connectors drop any path typed after the host. */
function origin(credentials: ICredentialDataDecryptedObject): string {
	const text = String(credentials.baseUrl ?? '').trim();
	const match = /^(https?:\/\/[^/]+)/i.exec(text);
	return (match ? match[1] : text).replace(/\/+$/, '');
}

/**
 * GyroTools Agora. An API key (from the user profile) sent as `Token <key>` as the manual
 * documents, or as `X-Agora-Api-Key <key>` as GyroTools' connectors send it; or a username and
 * password exchanged for a session key (`POST /api/v1/rest-auth/login/`).
 */
export class AgoraApi implements ICredentialType {
	name = 'agoraApi';

	displayName = 'Agora API';

	icon: Icon = { light: 'file:../nodes/Agora/agora.svg', dark: 'file:../nodes/Agora/agora.dark.svg' };

	documentationUrl = 'https://github.com/research-data-n8n/n8n-nodes-research-data#agora';

	properties: INodeProperties[] = [
		baseUrlField('e.g. https://agora.example.org', 'Address of the Agora server (only the host is used)'),
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'API Key', value: 'apiKey', description: 'A personal key from your Agora profile (recommended)' },
				{ name: 'Username and Password', value: 'password', description: 'Log in and use a session key' },
			],
			default: 'apiKey',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'In Agora: your user menu → Profile → API Key (create one if there is none)',
			displayOptions: { show: { authentication: ['apiKey'] } },
		},
		{
			displayName: 'Header Style',
			name: 'headerStyle',
			type: 'options',
			options: [
				{ name: 'Token (As Documented)', value: 'token', description: 'Authorization: Token <key>' },
				{ name: 'X-Agora-Api-Key (As the Connectors Send)', value: 'xAgoraApiKey', description: 'Authorization: X-Agora-Api-Key <key>' },
			],
			default: 'token',
			description: 'How the key is sent; if the credential test fails with one style, try the other',
			displayOptions: { show: { authentication: ['apiKey'] } },
		},
		{ ...usernameField, displayOptions: { show: { authentication: ['password'] } } },
		{ ...passwordField(), displayOptions: { show: { authentication: ['password'] } } },
		{
			displayName: 'Routes',
			name: 'routeSet',
			type: 'options',
			options: [
				{ name: 'Automatic', value: 'auto', description: 'The documented routes where the server has them, else the connectors\' routes (asks the server once)' },
				{ name: 'Documented (API v2)', value: 'documented', description: 'The routes of the Agora manual' },
				{ name: 'Connector-Compatible', value: 'connector', description: 'The routes GyroTools\' own connectors use, which every Agora release serves' },
			],
			default: 'auto',
			description: 'Which of Agora\'s two route sets the node calls; Automatic finds out',
		},
		ignoreSslField,
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	/** Password mode: exchange username and password for a session key. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		if (credentials.authentication !== 'password') return {};
		const { key } = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${origin(credentials)}/api/v1/rest-auth/login/`,
			body: { username: credentials.username, password: credentials.password },
			json: true,
			skipSslCertificateValidation: credentials.ignoreSslIssues === true,
		})) as { key: string };
		return { sessionToken: key };
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const value =
			credentials.authentication === 'password'
				? `Token ${String(credentials.sessionToken)}`
				: `${credentials.headerStyle === 'xAgoraApiKey' ? 'X-Agora-Api-Key' : 'Token'} ${String(credentials.apiKey)}`;
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: value } };
	}

	/**
	 * The current user. With Automatic routes the test asks on the connectors' route, which every
	 * Agora release serves (it is their own connection check), so a server without the documented
	 * v2 routes passes; the node then detects the route set when it runs (routeDetection.ts).
	 * With Documented routes the test asks on the documented route, so a server lacking them fails
	 * here rather than in a workflow.
	 * No `rules`: n8n (1.123 to 2.15) never applies responseCode rules to an HTTP error, because
	 * ExecutionBaseError's `cause` class field discards the response the rules read; the editor
	 * shows n8n's own words ("Authorization failed…", "…could not be found"), see the README.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/^(https?:\\/\\/[^/]+).*$/i, "$1")}}',
			url: '={{$credentials.routeSet === "documented" ? "/api/v2/user/me/" : "/api/v1/user/current/"}}',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
	};
}

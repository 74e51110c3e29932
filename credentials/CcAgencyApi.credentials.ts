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

function baseUrl(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
}

/**
 * CC-Agency (Curious Containers). Basic authentication on every request works on every
 * agency version (8.0 to 9.3); JWT (`POST /login`, renewed with `POST /refreshtoken`) is 9.3
 * only. The agency locks an account for a while after repeated failed logins, so nothing in
 * this package ever retries a rejected login.
 */
export class CcAgencyApi implements ICredentialType {
	name = 'ccAgencyApi';

	displayName = 'CC-Agency API';

	icon: Icon = { light: 'file:../nodes/CcAgency/ccAgency.svg', dark: 'file:../nodes/CcAgency/ccAgency.dark.svg' };

	documentationUrl = 'https://www.curious-containers.cc/docs/cc-agency-api';

	properties: INodeProperties[] = [
		baseUrlField('e.g. https://agency.example.org/cc', 'Address of the CC-Agency server, including any path prefix'),
		usernameField,
		passwordField('The agency blocks the account for about 30 seconds after four wrong passwords, so check it before saving'),
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{
					name: 'Basic (All Versions)',
					value: 'basic',
					description: 'Username and password on every request; works with CC-Agency 8.0 to 9.3',
				},
				{
					name: 'JWT (9.3 and Newer)',
					value: 'jwt',
					description: 'Log in once and send a bearer token; renewed automatically when it expires',
				},
			],
			default: 'basic',
		},
		ignoreSslField,
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
	];

	/** JWT mode only: renew with the refresh token when there is one, else log in. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		if (credentials.authentication !== 'jwt') return {};
		const url = baseUrl(credentials);
		const skipSslCertificateValidation = credentials.ignoreSslIssues === true;
		if (credentials.refreshToken && !credentials.accessToken) {
			const refreshed = (await this.helpers.httpRequest({
				method: 'POST',
				url: `${url}/refreshtoken`,
				headers: { Authorization: `Bearer ${String(credentials.refreshToken)}` },
				ignoreHttpStatusErrors: true,
				returnFullResponse: true,
				skipSslCertificateValidation,
			})) as { statusCode: number; body: { access_token?: string } };
			if (refreshed.statusCode === 200 && refreshed.body?.access_token) {
				return { accessToken: refreshed.body.access_token, refreshToken: credentials.refreshToken };
			}
		}
		const login = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${url}/login`,
			auth: { username: String(credentials.username), password: String(credentials.password) },
			skipSslCertificateValidation,
		})) as { access_token: string; refresh_token: string };
		return { accessToken: login.access_token, refreshToken: login.refresh_token };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		if (credentials.authentication === 'jwt' && credentials.accessToken) {
			return {
				...requestOptions,
				headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.accessToken)}` },
			};
		}
		return {
			...requestOptions,
			auth: { username: String(credentials.username), password: String(credentials.password) },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/version',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
	};
}

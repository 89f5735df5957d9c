# The context object handed to Python handlers and hooks, with FC's Python naming
# (context.request_id, context.credentials.access_key_id, context.function.name, ...).
import logging

class Credentials:
    def __init__(self, c):
        c = c or {}
        self.access_key_id = c.get('accessKeyId', '')
        self.access_key_secret = c.get('accessKeySecret', '')
        self.security_token = c.get('securityToken', '')
        # The camelCase names older FC examples use.
        self.accessKeyId = self.access_key_id
        self.accessKeySecret = self.access_key_secret
        self.securityToken = self.security_token


class FunctionMeta:
    def __init__(self, f):
        self.name = f['name']
        self.handler = f['handler']
        self.memory = f['memory']
        self.timeout = f['timeout']
        self.initializer = f.get('initializer', '')
        self.initialization_timeout = f.get('initializationTimeout', 0)


class ServiceMeta:
    def __init__(self, f):
        self.name = ''
        self.log_project = ''
        self.log_store = ''
        self.qualifier = f.get('qualifier', 'LATEST')
        self.version_id = f.get('versionId', '0')


class Tracing:
    def __init__(self):
        self.span_context = ''
        self.jaeger_endpoint = ''
        self.span_baggages = {}

    def parse_open_tracing_baggages(self):
        return dict(self.span_baggages)


class FCContext:
    def __init__(self, assigned, request_id, credentials):
        self.request_id = request_id
        self.credentials = Credentials(credentials or assigned.get('credentials'))
        self.function = FunctionMeta(assigned['function'])
        self.service = ServiceMeta(assigned['function'])
        self.region = assigned['region']
        self.account_id = assigned['accountId']
        self.instance_id = assigned['instanceId']
        self.tracing = Tracing()
        self.retry_count = 0

    def get_logger(self):
        return logging.getLogger()

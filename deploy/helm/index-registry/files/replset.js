// mongosh script run by the `replset` sidecar of every MongoDB member, against its own mongod over
// localhost: the first user of a keyfile-protected set can only be created from there (MongoDB's
// localhost exception). It brings the set to the chart's shape one step per run, and each step is a
// no-op once done: initiated with every member, a root user, the services' user with its password
// and roles, members added after a scale-up. Exit 0 means this member is in the set, as primary or
// secondary, and knows the root user; the sidecar reports ready then.
const env = process.env;
const hosts = env.RS_HOSTS.split(',');
const admin = db.getSiblingDB('admin');

function authenticated() {
  try {
    return admin.auth(env.ROOT_USER, env.ROOT_PASSWORD).ok === 1;
  } catch {
    return false;
  }
}

/** The set name another member reports, if it is reachable and already in a set. */
function setNameOf(host) {
  try {
    return new Mongo(`mongodb://${host}/?directConnection=true&serverSelectionTimeoutMS=2000`).getDB('admin').hello().setName;
  } catch {
    return undefined;
  }
}

function canLogIn(user, password) {
  try {
    const uri = `mongodb://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:27017/?authSource=admin&directConnection=true`;
    new Mongo(uri).getDB('admin').runCommand({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}

const canonicalRoles = (roles) => JSON.stringify(roles.map((r) => `${r.db}.${r.role}`).sort());

let hello = db.hello();
if (!hello.setName) {
  // Member 0 initiates, and only a set that does not exist yet: a member 0 that lost its volume
  // is added back by the others instead.
  if (!env.POD_NAME.endsWith('-0')) quit(1);
  if (hosts.slice(1).some((host) => setNameOf(host) !== undefined)) quit(1);
  rs.initiate({ _id: env.RS_NAME, members: hosts.map((host, i) => ({ _id: i, host })) });
  print(`initiated replica set ${env.RS_NAME} with ${hosts.join(', ')}`);
  quit(1);
}

if (!authenticated()) {
  // Users arrive here by replication, or are created by the primary while none exists.
  if (!hello.isWritablePrimary) quit(1);
  admin.createUser({ user: env.ROOT_USER, pwd: env.ROOT_PASSWORD, roles: ['root'] });
  print(`created user ${env.ROOT_USER}`);
  if (!authenticated()) quit(1);
}

hello = db.hello();
if (hello.isWritablePrimary) {
  const roles = env.APP_DATABASES.split(',').map((name) => ({ role: 'readWrite', db: name }));
  const user = admin.getUser(env.APP_USER);
  if (!user) {
    admin.createUser({ user: env.APP_USER, pwd: env.APP_PASSWORD, roles });
    print(`created user ${env.APP_USER}`);
  } else if (canonicalRoles(user.roles) !== canonicalRoles(roles) || !canLogIn(env.APP_USER, env.APP_PASSWORD)) {
    admin.updateUser(env.APP_USER, { pwd: env.APP_PASSWORD, roles });
    print(`updated user ${env.APP_USER}`);
  }
  // MongoDB adds one voting member per reconfiguration; the next run adds the next.
  const present = new Set(rs.conf().members.map((member) => member.host));
  const missing = hosts.find((host) => !present.has(host));
  if (missing) {
    rs.add(missing);
    print(`added member ${missing}`);
  }
}

quit(hello.isWritablePrimary || hello.secondary ? 0 : 1);

import { Link } from 'react-router';

export function NotFoundScreen() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        No such page in the console. <Link to="/">Back to the fleet</Link>
      </p>
    </>
  );
}

// The n-body simulation of the five Jovian planets in double precision (symplectic Euler, as
// the classic benchmark): the total energy must be conserved to 1e-3 relative.
#include <math.h>

#include "heldout.h"

#define STEPS 2000000
#define BODIES 5

static const double kPi = 3.141592653589793, kSolarMass = 4 * kPi * kPi;

struct Body {
  double x, y, z, vx, vy, vz, mass;
};

static struct Body bodies[BODIES] = {
    {0, 0, 0, 0, 0, 0, 4 * 3.141592653589793 * 3.141592653589793},
    {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
     1.66007664274403694e-03 * 365.24, 7.69901118419740425e-03 * 365.24,
     -6.90460016972063023e-05 * 365.24, 9.54791938424326609e-04 * 4 * 3.141592653589793 * 3.141592653589793},
    {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
     -2.76742510726862411e-03 * 365.24, 4.99852801234917238e-03 * 365.24,
     2.30417297573763929e-05 * 365.24, 2.85885980666130812e-04 * 4 * 3.141592653589793 * 3.141592653589793},
    {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
     2.96460137564761618e-03 * 365.24, 2.37847173959480950e-03 * 365.24,
     -2.96589568540237556e-05 * 365.24, 4.36624404335156298e-05 * 4 * 3.141592653589793 * 3.141592653589793},
    {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
     2.68067772490389322e-03 * 365.24, 1.62824170038242295e-03 * 365.24,
     -9.51592254519715870e-05 * 365.24, 5.15138902046611451e-05 * 4 * 3.141592653589793 * 3.141592653589793}};

static double energy(void) {
  double e = 0;
  for (int i = 0; i < BODIES; ++i) {
    const struct Body* b = &bodies[i];
    e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
    for (int j = i + 1; j < BODIES; ++j) {
      double dx = b->x - bodies[j].x, dy = b->y - bodies[j].y, dz = b->z - bodies[j].z;
      e -= b->mass * bodies[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static void advance(double dt) {
  for (int i = 0; i < BODIES; ++i)
    for (int j = i + 1; j < BODIES; ++j) {
      double dx = bodies[i].x - bodies[j].x, dy = bodies[i].y - bodies[j].y,
             dz = bodies[i].z - bodies[j].z;
      double d2 = dx * dx + dy * dy + dz * dz;
      double mag = dt / (d2 * sqrt(d2));
      bodies[i].vx -= dx * bodies[j].mass * mag;
      bodies[i].vy -= dy * bodies[j].mass * mag;
      bodies[i].vz -= dz * bodies[j].mass * mag;
      bodies[j].vx += dx * bodies[i].mass * mag;
      bodies[j].vy += dy * bodies[i].mass * mag;
      bodies[j].vz += dz * bodies[i].mass * mag;
    }
  for (int i = 0; i < BODIES; ++i) {
    bodies[i].x += dt * bodies[i].vx;
    bodies[i].y += dt * bodies[i].vy;
    bodies[i].z += dt * bodies[i].vz;
  }
}

int main(void) {
  double px = 0, py = 0, pz = 0;  // the sun takes the system's momentum
  for (int i = 0; i < BODIES; ++i) {
    px += bodies[i].vx * bodies[i].mass;
    py += bodies[i].vy * bodies[i].mass;
    pz += bodies[i].vz * bodies[i].mass;
  }
  bodies[0].vx = -px / kSolarMass, bodies[0].vy = -py / kSolarMass, bodies[0].vz = -pz / kSolarMass;
  const double e0 = energy();
  for (int s = 0; s < STEPS; ++s) advance(0.01);
  const double e1 = energy();
  printf("nbody energy %ld -> %ld (1e-9)\n", (long)(e0 * 1e9), (long)(e1 * 1e9));
  if (!(fabs(e1 - e0) < 1e-3 * fabs(e0))) return fail("nbody", "energy not conserved");
  if ((long)(e0 * 1e6) != -169075) return fail("nbody", "initial energy");
  return 0;
}

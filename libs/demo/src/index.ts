/** Demo password of every demo user (loaded directly: shorter than new accounts may use). */
export const DEMO_PASSWORD = "123456";

export interface DemoUser {
  userId: string;
  email: string;
  phone: string;
  role: "buyer" | "seller";
}
export interface DemoShop {
  shopId: string;
  ownerUserId: string;
  name: string;
  description: string;
}
export interface DemoWarehouse {
  warehouseId: string;
  shopId: string;
  name: string;
  location: string;
  active: boolean;
}
export interface DemoProduct {
  productId: string;
  shopId: string;
  name: string;
  description: string;
  priceCents: number;
  /** Units per warehouse id. */
  stock: Record<string, number>;
}

const id = (n: number) => `00000000-0000-7000-8000-${n.toString().padStart(12, "0")}`;

export const demoUsers: DemoUser[] = [
  { userId: id(1), email: "dmp.seller@domain.com", phone: "080000000001", role: "seller" },
  { userId: id(2), email: "dmp.seller2@domain.com", phone: "080000000002", role: "seller" },
  { userId: id(3), email: "dmp.buyer@domain.com", phone: "080000000003", role: "buyer" },
];

export const demoShops: DemoShop[] = [
  { shopId: id(101), ownerUserId: id(1), name: "Tech Gadgets", description: "Phones, audio and wearables" },
  { shopId: id(102), ownerUserId: id(2), name: "Home Essentials", description: "Appliances for the home" },
];

function warehousesOf(shopId: string, base: number): DemoWarehouse[] {
  return [
    { warehouseId: id(base + 1), shopId, name: "Main", location: "Jakarta", active: true },
    { warehouseId: id(base + 2), shopId, name: "Backup", location: "Bandung", active: true },
    { warehouseId: id(base + 3), shopId, name: "Inactive", location: "Surabaya", active: false },
  ];
}

export const demoWarehouses: DemoWarehouse[] = [...warehousesOf(id(101), 200), ...warehousesOf(id(102), 210)];

function product(n: number, shopId: string, whBase: number, name: string, priceCents: number, units: [number, number, number]): DemoProduct {
  return {
    productId: id(n),
    shopId,
    name,
    description: `${name} (demo)`,
    priceCents,
    stock: { [id(whBase + 1)]: units[0], [id(whBase + 2)]: units[1], [id(whBase + 3)]: units[2] },
  };
}

export const demoProducts: DemoProduct[] = [
  product(301, id(101), 200, "Smartphone X", 99999, [100, 50, 70]),
  product(302, id(101), 200, "Wireless Headphones", 19999, [200, 75, 66]),
  product(303, id(101), 200, "Smartwatch Pro", 29999, [150, 100, 23]),
  product(304, id(102), 210, "Vacuum Cleaner", 14999, [80, 40, 15]),
  product(305, id(102), 210, "Air Purifier", 24999, [60, 30, 29]),
  product(306, id(102), 210, "Kitchen Blender", 9999, [120, 50, 95]),
];
